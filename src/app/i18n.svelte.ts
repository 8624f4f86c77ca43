// The UI's two languages. The first choice follows navigator.language; the user can switch.
import type { Unfit } from '../engine/runtime/fit';
import type { SlowReason, Verdict } from './verdict';
import type { PlanWhy } from '../engine/runtime/plan';
import { formatBytes } from '../util/bytes';

const en = {
  chat: 'Chat',
  models: 'Models',
  settings: 'Settings',
  newChat: 'New chat',
  conversations: 'Conversations',
  rename: 'Rename',
  delete: 'Delete',
  message: 'Message',
  send: 'Send',
  stop: 'Stop',
  regenerate: 'Regenerate',
  answer: 'Answer',
  edit: 'Edit',
  copy: 'Copy',
  copied: 'Copied',
  save: 'Save and resend',
  cancel: 'Cancel',
  you: 'You',
  assistant: 'GLM',
  conversation: 'Conversation',
  untitled: 'New conversation',
  installingDemo: 'Installing the demo model: {done} of {total}',
  loadingModel: 'Loading {name}…',
  modelReady: '{name} ready',
  noModel: 'No model loaded',
  firstToken: 'First token {ms} ms',
  prefill: 'prefill {rate} tokens/s',
  reused: '{count} tokens of the conversation reused from the cache',
  decode: 'decode {rate} tokens/s',
  memory: 'memory {bytes}',
  dropped: '{count} older messages no longer fit the context and were left out.',
  contextUse: 'context {used} of {limit} tokens',
  updateAvailable: 'A new version of GLM Pocket is available.',
  updateNow: 'Update',
  installApp: 'Install app',
  iosInstall: 'To install: tap Share, then Add to Home Screen.',
  storage: 'Storage: {used} used, {free} free',
  installFromUrl: 'Add a model from a pack URL',
  packUrl: 'Pack URL',
  check: 'Check',
  download: 'Download',
  downloadAnyway: 'Download anyway',
  use: 'Use',
  inUse: 'In use',
  resume: 'Resume',
  progress: '{done} of {total} · {rate}/s · {left} left',
  backendInUse: 'Running on {backend}{adapter}',
  floatWeights: 'quantized layers run as f32 on the CPU (faster, more memory)',
  int8Layers: 'the output layer and {int8} of {layers} layers run as int8 on the CPU (fast); any others run the q4/q8 kernel (several times slower)',
  shortPasses: "this GPU's attention kernel failed a check on long passes: prompts go through in passes of {tokens} tokens",
  plainAttention: "this GPU's fused attention kernel failed a check: attention runs as plain operators",
  planAsked: '{layers} layers per segment, as asked',
  planCpuKernels: "every layer in memory, run on the processor by GLM Pocket's 4-bit/8-bit kernels on {threads} threads",
  planCapped: '{layers} layers per segment, set by {cap}',
  capDefault: 'the {mib} MiB default',
  capGpuDefault: 'the {mib} MiB default on a GPU',
  capDeviceMemory: "the device's memory ({mib} MiB a segment)",
  capGpuBuffer: 'the GPU buffer limit',
  capBudget: 'the memory budget',
  planStreaming: 'the model ({model} MiB) exceeds the {budget} MiB memory budget: {streamed} of {segments} segments are read from storage on every forward pass',
  backend: 'Backend',
  auto: 'Automatic',
  webgpu: 'WebGPU (GPU)',
  wasm: 'CPU (WebAssembly)',
  temperature: 'Temperature',
  topP: 'Top-p',
  maxTokens: 'Max tokens',
  systemPrompt: 'System prompt',
  contextLength: 'Context length (tokens)',
  memoryBudget: 'Memory budget (MiB, 0 = no limit)',
  ignorePressure: 'Ignore compute pressure: never slow or pause a reply for heat or other load',
  language: 'Language',
  applyReload: 'Backend, context length and memory budget apply when the model is loaded again.',
  reload: 'Reload model',
  deviceLost: 'The GPU stopped working ({reason}); continuing on the CPU.',
  confirmDelete: 'Delete "{name}"?',
  downloadAgain: 'Download {name} again',
  otherTab: 'GLM Pocket is open in another tab, which runs the model.',
  movedTab: 'GLM Pocket moved to another tab; the model was unloaded here.',
  useHere: 'Use it here',
  lowMemory: 'Memory ran out while loading {name}: it now runs on the CPU, reading most layers from storage for each reply (slower).',
  restarted: 'The engine stopped ({reason}); it was restarted and the model loaded again. Your conversations are safe.',
  pausedBackground: 'Paused while GLM Pocket is in the background.',
  pausedCritical: 'Paused: the device reports critical load or heat.',
  slowedSerious: 'Slowed down: the device reports serious load or heat.',
  unfitStorage: 'it needs {need} of storage and {have} is free',
  unfitMemory: 'it needs about {need} of memory and this device has {have}',
  unfitBinding: 'this GPU takes at most {have} in one buffer and the model needs {need}',
  importRepo: 'Import from Hugging Face',
  repo: 'Repository',
  revision: 'Revision',
  endpoint: 'Endpoint (or a mirror)',
  token: 'Access token (optional, kept in this browser)',
  ggufFile: 'GGUF file in the repository (optional, e.g. glm-edge-1.5b-chat-Q4_0.gguf)',
  quant: 'Weight format',
  import: 'Import',
  pickFolder: 'Or add a model folder from this device (a pack, or a Hugging Face checkpoint folder)',
  recommended: 'Recommended',
  verdictFits: 'Runs well on this device',
  verdictSlow: 'May be slow: {reason}',
  verdictUnfit: 'Will not fit: {reason}',
  slowStreaming: 'it is bigger than your memory budget ({budget}), so parts of it are read from storage for every reply',
  slowMemory: 'it needs about {need} of the {have} of memory this device has',
  slowCpu: 'on the processor, {slow} of its {layers} layers run on the slow 4-bit kernel (more would not fit in memory as 8-bit)',
  downloadSize: '{size} download',
  storedSize: '{size} on this device',
  pause: 'Pause',
  cancelDownload: 'Cancel download',
  downloading: 'Downloading {name}',
  inProgress: 'Downloading…',
  loading: 'Loading…',
  paused: '{name}: paused',
  storedOf: '{done} of {total}',
  addFolderAgain: 'stopped: add its folder again to finish it',
  advanced: 'Advanced',
  manageModels: 'Manage models',
  deleteBody: 'This removes its {size} from this device. You can download it again later.',
  minutesSeconds: '{m} min {s} s',
  seconds: '{s} s',
  openConversations: 'Open conversations',
  close: 'Close',
  changeModel: 'Change model',
  copyCode: 'Copy code',
  scrollToLatest: 'Scroll to the latest message',
  details: 'Details',
  deleteMessage: 'Delete message',
  replyFinished: 'GLM has answered.',
  newChatTitle: 'What would you like to know?',
  welcomeTitle: 'Chat with GLM, right on this device',
  welcomeBody: 'GLM Pocket runs GLM language models inside your browser. Your conversations and models stay on this device: nothing is sent to a server, and it works offline.',
  welcomeDemo: 'The built-in demo model is tiny and only knows about GLM Pocket itself. For real answers, get a GLM model.',
  getModel: 'Get {name} ({size} download)',
  tryAsking: 'Try asking',
  suggest1: 'What is GLM Pocket?',
  suggest2: 'Does GLM Pocket work offline?',
  suggest3: 'How do I download a real GLM model?',
  suggest4: 'Is my data private?',
  theme: 'Theme',
  themeSystem: 'Match the device',
  themeLight: 'Light',
  themeDark: 'Dark',
  exportMarkdown: 'Export as Markdown',
  exportAll: 'Export all conversations',
  importConversations: 'Import conversations',
  conversationsFile: 'Save every conversation as one file, or add the conversations from such a file. Conversations already here are kept.',
  imported: 'Imported {count} conversations.',
  importNotJson: 'This file is not a GLM Pocket export: it is not JSON. Choose a file made by "Export all conversations".',
  importNotExport: 'This file is not a GLM Pocket export of conversations. Choose a file made by "Export all conversations".',
  importNewerVersion: 'This export was made by a newer GLM Pocket. Update the app, then import it again.',
  importBadConversation: 'This export is damaged: a conversation in it lacks its id, title, messages or dates. Nothing was imported.',
  chatSettings: 'Customize this chat',
  chatSettingsOwn: 'Customize this chat (it has its own prompt or sampling)',
  chatSettingsHint: 'For this conversation only. A field left empty follows Settings.',
  noSystemPrompt: 'No system prompt',
  maxReplyTokens: 'Max reply tokens',
  useAppSettings: 'Reset',
  saveSettings: 'Save',
  regenerateTitle: 'Regenerate this reply?',
  regenerateDrops: 'The new reply is written from the conversation before it: the {count} messages after it will be removed.',
  clearTitle: 'Clear all data',
  clearHint: 'Removes everything GLM Pocket keeps on this device; the app then starts as on its first run.',
  clearAll: 'Clear all data',
  clearConversations: '{count} conversations',
  clearModels: '{count} models ({names}): {size}',
  clearSettings: 'Your settings and the offline copy of the app',
  clearTotal: '{size} stored on this device in all. This cannot be undone.',
  clearing: 'Clearing all data…',
  clearBlocked: 'GLM Pocket is open in another tab: close it to finish clearing.',
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  chat: '聊天',
  models: '模型',
  settings: '设置',
  newChat: '新对话',
  conversations: '对话',
  rename: '重命名',
  delete: '删除',
  message: '消息',
  send: '发送',
  stop: '停止',
  regenerate: '重新生成',
  answer: '回答',
  edit: '编辑',
  copy: '复制',
  copied: '已复制',
  save: '保存并重新发送',
  cancel: '取消',
  you: '你',
  assistant: 'GLM',
  conversation: '对话内容',
  untitled: '新对话',
  installingDemo: '正在安装演示模型：{done} / {total}',
  loadingModel: '正在加载 {name}…',
  modelReady: '{name} 已就绪',
  noModel: '未加载模型',
  firstToken: '首个 token {ms} 毫秒',
  prefill: '预填充 {rate} token/秒',
  reused: '{count} 个对话 token 取自缓存',
  decode: '生成 {rate} token/秒',
  memory: '内存 {bytes}',
  dropped: '有 {count} 条较早的消息超出上下文长度，已被省略。',
  contextUse: '上下文 {used} / {limit} token',
  updateAvailable: 'GLM Pocket 有新版本。',
  updateNow: '更新',
  installApp: '安装应用',
  iosInstall: '安装方法：点分享，再点添加到主屏幕。',
  storage: '存储：已用 {used}，可用 {free}',
  installFromUrl: '从模型包地址添加模型',
  packUrl: '模型包地址',
  check: '检查',
  download: '下载',
  downloadAnyway: '仍然下载',
  use: '使用',
  inUse: '使用中',
  resume: '继续',
  progress: '{done} / {total} · {rate}/秒 · 剩余 {left}',
  backendInUse: '运行在 {backend}{adapter}',
  floatWeights: '量化层在 CPU 上以 f32 运行（更快，占用更多内存）',
  int8Layers: '输出层和 {layers} 层中的 {int8} 层在 CPU 上以 int8 运行（快）；其余以 q4/q8 内核运行（慢数倍）',
  shortPasses: '此 GPU 的注意力内核在长输入上未通过校验：提示词按每次 {tokens} 个 token 分段处理',
  plainAttention: '此 GPU 的融合注意力内核未通过校验：注意力改用普通算子运行',
  planAsked: '每段 {layers} 层（按设置）',
  planCpuKernels: '所有层都在内存中，由 GLM Pocket 的 4 位/8 位内核在处理器上以 {threads} 个线程运行',
  planCapped: '每段 {layers} 层，由{cap}决定',
  capDefault: '{mib} MiB 默认值',
  capGpuDefault: 'GPU 上的 {mib} MiB 默认值',
  capDeviceMemory: '设备内存（每段 {mib} MiB）',
  capGpuBuffer: 'GPU 缓冲区上限',
  capBudget: '内存预算',
  planStreaming: '模型（{model} MiB）超出 {budget} MiB 内存预算：每次前向计算都要从存储读取 {segments} 段中的 {streamed} 段',
  backend: '后端',
  auto: '自动',
  webgpu: 'WebGPU（GPU）',
  wasm: 'CPU（WebAssembly）',
  temperature: '温度',
  topP: 'Top-p',
  maxTokens: '最大 token 数',
  systemPrompt: '系统提示词',
  contextLength: '上下文长度（token）',
  memoryBudget: '内存预算（MiB，0 表示不限）',
  ignorePressure: '忽略计算压力：不因温度或其他负载放慢或暂停回答',
  language: '语言',
  applyReload: '后端、上下文长度和内存预算在重新加载模型后生效。',
  reload: '重新加载模型',
  deviceLost: 'GPU 停止工作（{reason}），已改用 CPU 继续。',
  confirmDelete: '删除“{name}”？',
  downloadAgain: '重新下载 {name}',
  otherTab: 'GLM Pocket 已在另一个标签页中打开并运行模型。',
  movedTab: 'GLM Pocket 已转到另一个标签页，这里的模型已卸载。',
  useHere: '在这里使用',
  lowMemory: '加载 {name} 时内存不足：现在改在 CPU 上运行，每次回答时从存储读取大部分层（较慢）。',
  restarted: '引擎停止了（{reason}），已重新启动并重新加载模型。你的对话没有丢失。',
  pausedBackground: 'GLM Pocket 在后台时已暂停生成。',
  pausedCritical: '已暂停：设备报告负载或温度过高。',
  slowedSerious: '已放慢：设备报告负载或温度较高。',
  unfitStorage: '需要 {need} 存储空间，只剩 {have}',
  unfitMemory: '约需 {need} 内存，本设备只有 {have}',
  unfitBinding: '此 GPU 单个缓冲区最多 {have}，模型需要 {need}',
  importRepo: '从 Hugging Face 导入',
  repo: '仓库',
  revision: '版本',
  endpoint: '地址（或镜像）',
  token: '访问令牌（可选，只保存在本浏览器）',
  ggufFile: '仓库中的 GGUF 文件（可选，例如 glm-edge-1.5b-chat-Q4_0.gguf）',
  quant: '权重格式',
  import: '导入',
  pickFolder: '或者从本设备添加模型文件夹（模型包，或 Hugging Face 模型文件夹）',
  recommended: '推荐',
  verdictFits: '在本设备上运行流畅',
  verdictSlow: '可能较慢：{reason}',
  verdictUnfit: '无法运行：{reason}',
  slowStreaming: '模型超出你的内存预算（{budget}），每次回答都要从存储读取一部分',
  slowMemory: '约需 {need} 内存，本设备共有 {have}',
  slowCpu: '在处理器上运行时，{layers} 层中有 {slow} 层只能用较慢的 4 位算子（内存放不下更多 8 位层）',
  downloadSize: '下载 {size}',
  storedSize: '在本设备上占 {size}',
  pause: '暂停',
  cancelDownload: '取消下载',
  downloading: '正在下载 {name}',
  inProgress: '下载中…',
  loading: '加载中…',
  paused: '{name}：已暂停',
  storedOf: '{done} / {total}',
  addFolderAgain: '已中断：再次添加它的文件夹即可完成',
  advanced: '高级',
  manageModels: '管理模型',
  deleteBody: '这会从本设备删除它占用的 {size}。以后可以再下载。',
  minutesSeconds: '{m} 分 {s} 秒',
  seconds: '{s} 秒',
  openConversations: '打开对话列表',
  close: '关闭',
  changeModel: '更换模型',
  copyCode: '复制代码',
  scrollToLatest: '滚动到最新消息',
  details: '详情',
  deleteMessage: '删除消息',
  replyFinished: 'GLM 已回答。',
  newChatTitle: '想了解什么？',
  welcomeTitle: '在本设备上与 GLM 聊天',
  welcomeBody: 'GLM Pocket 在浏览器中运行 GLM 语言模型。对话和模型都保存在本设备上：不会发送到任何服务器，离线也能使用。',
  welcomeDemo: '内置的演示模型很小，只了解 GLM Pocket 本身。想要真正的回答，请获取一个 GLM 模型。',
  getModel: '获取 {name}（下载 {size}）',
  tryAsking: '试着问问',
  suggest1: 'GLM Pocket 是什么？',
  suggest2: 'GLM Pocket 可以离线使用吗？',
  suggest3: '怎么下载真正的 GLM 模型？',
  suggest4: '我的数据安全吗？',
  theme: '主题',
  themeSystem: '跟随设备',
  themeLight: '浅色',
  themeDark: '深色',
  exportMarkdown: '导出为 Markdown',
  exportAll: '导出全部对话',
  importConversations: '导入对话',
  conversationsFile: '把所有对话保存为一个文件，或者从这样的文件中添加对话。已有的对话会保留。',
  imported: '已导入 {count} 个对话。',
  importNotJson: '这个文件不是 GLM Pocket 的导出文件：它不是 JSON。请选择用"导出全部对话"生成的文件。',
  importNotExport: '这个文件不是 GLM Pocket 的对话导出文件。请选择用"导出全部对话"生成的文件。',
  importNewerVersion: '这个导出文件来自更新版本的 GLM Pocket。请更新应用后再导入。',
  importBadConversation: '这个导出文件已损坏：其中有对话缺少 id、标题、消息或日期。没有导入任何内容。',
  chatSettings: '自定义此对话',
  chatSettingsOwn: '自定义此对话（已有自己的提示词或采样参数）',
  chatSettingsHint: '只用于这个对话。留空的项沿用“设置”中的值。',
  noSystemPrompt: '没有系统提示词',
  maxReplyTokens: '回答的最大 token 数',
  useAppSettings: '重置',
  saveSettings: '保存',
  regenerateTitle: '重新生成这条回答？',
  regenerateDrops: '新的回答根据它之前的对话生成：它之后的 {count} 条消息将被删除。',
  clearTitle: '清除所有数据',
  clearHint: '删除 GLM Pocket 在本设备上保存的一切；之后应用会像第一次打开一样启动。',
  clearAll: '清除所有数据',
  clearConversations: '{count} 个对话',
  clearModels: '{count} 个模型（{names}）：{size}',
  clearSettings: '你的设置和应用的离线副本',
  clearTotal: '本设备上共保存了 {size}。此操作无法撤销。',
  clearing: '正在清除所有数据…',
  clearBlocked: 'GLM Pocket 还在另一个标签页中打开：关闭它才能完成清除。',
};

export type Language = 'en' | 'zh';

const STORAGE_KEY = 'glm-pocket.language';

function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const i18n = $state({ language: initialLanguage() });

export function setLanguage(language: Language): void {
  i18n.language = language;
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

/** The UI text for a key in the current language, with {name} placeholders filled in. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = (i18n.language === 'zh' ? zh : en)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const UNFIT_KEYS = { storage: 'unfitStorage', memory: 'unfitMemory', 'gpu-binding': 'unfitBinding' } as const;

/** Why this device cannot run a model (planLoad's verdict), in the UI's language. */
export function describeUnfit(unfit: Unfit): string {
  return t(UNFIT_KEYS[unfit.kind], { need: formatBytes(unfit.needBytes), have: formatBytes(unfit.haveBytes) });
}

/** A fit verdict (verdict.ts) as one line: runs well, may be slow or will not fit, with the reason. */
export function describeVerdict(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'fits':
      return t('verdictFits');
    case 'slow':
      return t('verdictSlow', { reason: describeSlow(verdict.reason) });
    case 'unfit':
      return t('verdictUnfit', { reason: describeUnfit(verdict.unfit) });
  }
}

function describeSlow(reason: SlowReason): string {
  switch (reason.kind) {
    case 'streaming':
      return t('slowStreaming', { budget: formatBytes(reason.budgetBytes) });
    case 'memory':
      return t('slowMemory', { need: formatBytes(reason.needBytes), have: formatBytes(reason.haveBytes) });
    case 'cpu':
      return t('slowCpu', { slow: String(reason.slowLayers), layers: String(reason.layers) });
  }
}

/** A duration in seconds as minutes and seconds ("…" while unknown). */
export function describeDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const m = Math.floor(seconds / 60);
  return m > 0 ? t('minutesSeconds', { m, s: Math.round(seconds % 60) }) : t('seconds', { s: Math.round(seconds) });
}

const CAP_KEYS = { default: 'capDefault', 'gpu-default': 'capGpuDefault', 'device-memory': 'capDeviceMemory', 'gpu-buffer': 'capGpuBuffer', budget: 'capBudget' } as const;

/** Why the engine split the model into segments as it did, in the UI's language. */
export function describePlan(why: PlanWhy): string {
  switch (why.kind) {
    case 'asked':
      return t('planAsked', { layers: why.layersPerSegment });
    case 'capped':
      return t('planCapped', { layers: why.layersPerSegment, cap: t(CAP_KEYS[why.cap], { mib: why.capMiB }) });
    case 'streaming':
      return t('planStreaming', { model: why.modelMiB, budget: why.budgetMiB, streamed: why.streamed, segments: why.segments });
    case 'cpu-kernels':
      return t('planCpuKernels', { threads: why.threads });
  }
}
