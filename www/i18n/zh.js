// 页面的简体中文文字，按键查找（www/i18n.js）。键与占位符和 www/i18n/en.js 完全一致
// （tests/e2e/i18n-logic.test.mjs 检查）；`{name}` 是占位符；以 `.one` 结尾的键是英文的
// 单数形式，中文不区分单复数，内容与不带 `.one` 的键相同。公式保持原样。
//
// 术语表（取自 ../shared/tutorials/ 中的中文教程，各面板保持一致）：
//   generator / forger G       生成器 G（比喻：伪造者 G）
//   discriminator / detective D 判别器 D（比喻：侦探 D）
//   adversarial / the game     对抗 / 博弈
//   noise z, noise vector      噪声 z、噪声向量
//   latent space               隐空间（教程中亦作“潜在空间”）
//   minimax game               极小极大博弈
//   value function V(D, G)     价值函数 V(D, G)
//   non-saturating loss        非饱和损失
//   label smoothing            标签平滑
//   instance noise             实例噪声
//   conditional GAN            条件 GAN（标签以 one-hot 形式输入）
//   mode collapse              模式崩溃
//   Fréchet distance (FD)      Fréchet 距离（FD）
//   interpolation              插值
//   nearest neighbour          最近邻
//   gradient ascent            梯度上升
//   learning rate / optimiser  学习率 / 优化器
//   step / epoch / batch       步 / 轮 / 批（批大小）
//   divergence                 发散
//   checkpoint / restore point 检查点 / 恢复点
//   real / fake                真实 / 伪造（假样本）
//
// 目录按区域分成几个文件（www/i18n/zh/ 下，文件名说明内容）；本文件把它们合并
// （同一个键出现在两个文件里会在加载时报错）。
import { joinParts } from './join.js';
import page from './zh/page.js';
import panels from './zh/panels.js';
import settings from './zh/settings.js';
import runs from './zh/runs.js';
import core from './zh/core.js';
import lessons from './zh/lessons.js';

export default joinParts({ page, panels, settings, runs, core, lessons });
