// Every user-visible string of the 1-D and 2-D worlds, in English and Simplified Chinese,
// for the shared catalogue (www/i18n/) to take in. `tw(key, params)` picks the page's
// language (`<html lang="zh…">` gives Chinese) and fills `{placeholders}`; `fillStrings`
// writes every `data-i18n="worlds.<key>"` element's text (and the `label` of each
// `data-i18n-label="worlds.<key>"` option group).

export const STRINGS = {
  en: {
    'world.label': 'World',
    'world.digits': 'digits (MNIST)',
    'world.group2d': '2-D: points in the plane',
    'world.group1d': '1-D: numbers on a line',
    'world.ring8': 'ring of 8 Gaussians',
    'world.grid25': '5×5 grid of Gaussians',
    'world.moons': 'two moons',
    'world.spiral': 'spiral',
    'world.line': 'line',
    'world.drawn': 'draw your own',
    'world.gaussian': 'one Gaussian',
    'world.mixture2': 'mixture of 2 Gaussians',
    'world.mixture3': 'mixture of 3 Gaussians',
    'world.uniform': 'uniform interval',
    'world.switched': 'World: {world}. New networks from seed {seed} with this world’s default settings.',
    'world.confirm': 'Switching to {world} builds new networks with this world’s settings: the run so far is replaced (Undo puts it back). Continue?',
    'world.urlBad': 'The world “{name}” in the address is unknown; showing the digits.',
    'world.pointsBad': 'The drawn points in the address could not be read; showing the digits.',
    'view.title2d': 'D’s verdict on the plane',
    'view.title1d': 'D’s verdict on the line',
    'view.sub': 'redrawn live while training and after every step',
    'view.arrows': 'G’s gradient arrows',
    'view.mesh': 'G’s manifold (noise grid)',
    'view.real': 'real data',
    'view.fake': 'generated samples',
    'view.dmap': 'discriminator output D(x): 0 fake … ½ … 1 real',
    'view.dcurve': 'discriminator output D(x)',
    'view.half': 'D = ½',
    'view.legend2d': 'Background: D(x) from pink (fake, 0) through white (½) to teal (real, 1). Teal dots: real data. Orange dots: G’s samples; each arrow shows which way G’s loss pushes that sample. Grey mesh: G’s image of a regular grid of noise z, G folding the plane onto the data.',
    'view.legend1d': 'Teal: the real data’s density. Orange: the density of G’s samples. Blue curve: D(x), between 0 and 1; dashed line: ½. Arrows under the axis: which way G’s loss pushes each sample.',
    'draw.start': 'Draw points',
    'draw.clear': 'Clear',
    'draw.hint': 'Click and drag on the plane to paint points; G and D start afresh on them after each stroke.',
    'draw.count': '{n} points drawn',
    'draw.trained': 'Your {n} points are the data now: new networks from seed {seed}.',
    'draw.empty': 'Paint some points first: click and drag on the plane.',
    'metrics.title': 'How close G is',
    'metrics.js': 'JS divergence (bits)',
    'metrics.modesChart': 'Modes covered and high-quality samples',
    'metrics.covered': 'modes covered (share)',
    'metrics.hq': 'high-quality samples (share)',
    'metrics.now': 'JS divergence {js} bits',
    'metrics.modes': 'modes covered {covered} of {modes} · high-quality samples {hq}%',
    'metrics.noModes': 'this world has no Gaussian modes to count',
    'metrics.hint': 'JS divergence: between the histograms of real and generated points on the visible range (0: identical, 1: disjoint). A mode is covered when at least a fifth of its fair share of G’s samples lies within 3σ of it; a sample is high quality when it lies within 3σ of some mode. Mode collapse shows as modes covered dropping while the high-quality share stays high.',
    'explain.title2d': 'How a GAN learns, in the plane',
    'explain.title1d': 'How a GAN learns, on a line',
    'explain.intro2d': 'The real data are points in the plane (teal). The generator G turns 2 random numbers z into a point (orange). The discriminator D gives every point x a probability D(x) that it is real: the coloured background is that verdict, teal where D says real, pink where it says fake.',
    'explain.intro1d': 'The real data are numbers on a line; their density is the teal curve. The generator G turns random noise z into a number, and the orange curve is the density of its samples. The discriminator D gives every x a probability D(x) that it is real: the blue curve.',
    'explain.stepD': 'Step D: D studies a batch of real points (labelled 1) and a batch of G’s (labelled 0). Its verdict rises where the data is and falls where G’s samples are: watch the map (or the curve) move while the samples stay put.',
    'explain.stepG': 'Step G: D is frozen, and each of G’s samples moves along D’s slope towards where D says “real” (the arrows). Only G’s weights change: the samples move, the map stays.',
    'explain.equilibrium': 'At the game’s equilibrium G’s samples are spread exactly like the data. Then D cannot tell them apart anywhere, and the best it can say is ½: the map fades to white and the curve flattens to ½. With label smoothing s, D aims at 1 − s on real data, so it settles at (1 − s)/2 instead: 0.45 with the default 0.1, a faint pink everywhere. In practice it wobbles around there, and on the ring of 8 G can settle on a few modes and leave the rest for a while (mode collapse): the modes-covered chart shows it.',
  },
  zh: {
    'world.label': '世界',
    'world.digits': '手写数字（MNIST）',
    'world.group2d': '二维：平面上的点',
    'world.group1d': '一维：直线上的数',
    'world.ring8': '8 个高斯组成的环',
    'world.grid25': '5×5 高斯网格',
    'world.moons': '双月形',
    'world.spiral': '螺旋',
    'world.line': '直线',
    'world.drawn': '自己画',
    'world.gaussian': '单个高斯分布',
    'world.mixture2': '2 个高斯的混合',
    'world.mixture3': '3 个高斯的混合',
    'world.uniform': '均匀区间',
    'world.switched': '世界：{world}。用种子 {seed} 和这个世界的默认设置新建网络。',
    'world.confirm': '切换到“{world}”会用这个世界的设置新建网络：当前的训练将被替换（可以撤销）。继续吗？',
    'world.urlBad': '地址中的世界“{name}”无法识别；显示手写数字。',
    'world.pointsBad': '无法读取地址中画的点；显示手写数字。',
    'view.title2d': '判别器 D 在平面上的判断',
    'view.title1d': '判别器 D 在直线上的判断',
    'view.sub': '训练时实时重绘，每一步之后也会重绘',
    'view.arrows': '生成器 G 的梯度箭头',
    'view.mesh': '生成器 G 的流形（噪声网格）',
    'view.real': '真实数据',
    'view.fake': '生成样本',
    'view.dmap': '判别器输出 D(x)：0 假 … ½ … 1 真',
    'view.dcurve': '判别器输出 D(x)',
    'view.half': 'D = ½',
    'view.legend2d': '背景：判别器输出 D(x)，从粉色（假，0）经白色（½）到青色（真，1）。青色点：真实数据。橙色点：生成器 G 的生成样本，箭头表示 G 的损失把这个样本往哪个方向推。灰色网格：G 对噪声 z 规则网格的映射，可以看到 G 把平面折叠到数据上。',
    'view.legend1d': '青色：真实数据的密度。橙色：生成样本的密度。蓝色曲线：判别器输出 D(x)，介于 0 和 1 之间；虚线：½。坐标轴下方的箭头：G 的损失把每个样本往哪个方向推。',
    'draw.start': '画点',
    'draw.clear': '清除',
    'draw.hint': '在平面上按住并拖动来画点；每画一笔，G 和 D 都会在这些点上重新开始训练。',
    'draw.count': '已画 {n} 个点',
    'draw.trained': '你画的 {n} 个点现在就是真实数据：用种子 {seed} 新建网络。',
    'draw.empty': '请先在平面上按住并拖动画一些点。',
    'metrics.title': '生成器 G 有多接近',
    'metrics.js': 'JS 散度（比特）',
    'metrics.modesChart': '覆盖的模式与高质量样本',
    'metrics.covered': '覆盖的模式（比例）',
    'metrics.hq': '高质量样本（比例）',
    'metrics.now': 'JS 散度 {js} 比特',
    'metrics.modes': '覆盖的模式 {covered} / {modes} · 高质量样本 {hq}%',
    'metrics.noModes': '这个世界没有可以计数的高斯模式',
    'metrics.hint': 'JS 散度：在可见范围内，真实数据与生成样本直方图之间的散度（0：完全相同，1：完全不重叠）。当 G 的样本中至少有平均份额的五分之一落在某个模式的 3σ 之内时，这个模式算作被覆盖；落在任一模式 3σ 之内的样本算作高质量样本。模式崩溃表现为覆盖的模式减少，而高质量样本的比例仍然很高。',
    'explain.title2d': 'GAN 如何学习：平面上的博弈',
    'explain.title1d': 'GAN 如何学习：直线上的博弈',
    'explain.intro2d': '真实数据是平面上的点（青色）。生成器 G 把 2 个随机数 z 变成一个点（橙色）。判别器 D 对每个点 x 给出它是真实数据的概率 D(x)：彩色背景就是这个判断，青色表示 D 认为是真的，粉色表示 D 认为是假的。',
    'explain.intro1d': '真实数据是直线上的数，青色曲线是它们的密度。生成器 G 把随机噪声 z 变成一个数，橙色曲线是生成样本的密度。判别器 D 对每个 x 给出它是真实数据的概率 D(x)：蓝色曲线。',
    'explain.stepD': '训练 D：D 学习一批真实的点（标签 1）和一批 G 的生成样本（标签 0）。它的判断在数据所在处升高，在生成样本所在处降低：可以看到背景（或曲线）在变化，而样本不动。',
    'explain.stepG': '训练 G：D 被冻结，G 的每个样本沿着 D 的斜率向 D 判为“真”的地方移动（箭头）。只有 G 的权重改变：样本移动，背景不变。',
    'explain.equilibrium': '在博弈的纳什均衡处，G 的样本与数据分布完全相同。这时 D 在任何地方都无法区分二者，最好的判断只能是 ½：背景褪成白色，曲线变平到 ½。如果使用标签平滑 s，D 对真实数据的目标是 1 − s，于是它会停在 (1 − s)/2：默认的 0.1 时为 0.45，整个背景呈淡粉色。实际训练中它会在附近摆动；在 8 个高斯的环上，G 可能在一段时间内只停留在少数几个模式而丢掉其余的（模式崩溃）：覆盖的模式图表会显示出来。',
  },
};

/** The page's language: Chinese when `<html lang>` starts with zh, else English. */
export const lang = () => (document.documentElement.lang?.toLowerCase().startsWith('zh') ? 'zh' : 'en');

/** The string `key` in the page's language, `{name}` placeholders filled from `params`. */
export function tw(key, params = {}) {
  const text = STRINGS[lang()][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Fills every `data-i18n="worlds.<key>"` element under `root` with its text. */
export function fillStrings(root = document) {
  for (const el of root.querySelectorAll('[data-i18n^="worlds."]')) {
    el.textContent = tw(el.dataset.i18n.slice('worlds.'.length));
  }
  for (const el of root.querySelectorAll('[data-i18n-label^="worlds."]')) {
    el.label = tw(el.dataset.i18nLabel.slice('worlds.'.length));
  }
}
