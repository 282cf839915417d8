// The page's English text, by key (www/i18n.js looks them up; www/i18n/zh.js has exactly
// the same keys and placeholders: tests/e2e/i18n-logic.test.mjs checks). `{name}` is a
// placeholder; a key ending in `.one` is the singular of the key without it. Values under
// a `-html` attribute in index.html, and the few that say so, are HTML of our own.
//
// Terms, kept the same from panel to panel (the Chinese in zh.js):
//   forger G / generator       生成器 G        detective D / discriminator  判别器 D
//   adversarial / the game     对抗 / 博弈      noise z / noise vector       噪声 z / 噪声向量
//   latent space               隐空间          minimax game                 极小极大博弈
//   value function V(D, G)     价值函数 V(D, G) non-saturating loss          非饱和损失
//   label smoothing            标签平滑        instance noise               实例噪声
//   conditional GAN            条件 GAN        mode collapse                模式崩溃
//   Fréchet distance (FD)      Fréchet 距离    interpolation                插值
//   nearest neighbour          最近邻          learning rate                学习率
//   step / epoch / batch       步 / 轮 / 批     divergence                   发散
//   checkpoint                 检查点          restore point                恢复点
//
// The catalogue is in parts by area, each a file under www/i18n/en/ named for what it
// holds; this file joins them (a key in two parts fails at load).
import { joinParts } from './join.js';
import page from './en/page.js';
import panels from './en/panels.js';
import settings from './en/settings.js';
import runs from './en/runs.js';
import core from './en/core.js';
import lessons from './en/lessons.js';

export default joinParts({ page, panels, settings, runs, core, lessons });
