// The UI's two languages. The first choice follows navigator.language; the user can switch.
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
  decode: 'decode {rate} tokens/s',
  memory: 'memory {bytes}',
  dropped: '{count} older messages no longer fit the context and were left out.',
  updateAvailable: 'A new version of GLM Pocket is available.',
  updateNow: 'Update',
  installApp: 'Install app',
  iosInstall: 'To install: tap Share, then Add to Home Screen.',
  installedModels: 'Installed models',
  storage: 'Storage: {used} used, {free} free',
  installFromUrl: 'Add a model from a pack URL',
  packUrl: 'Pack URL',
  check: 'Check',
  download: 'Download',
  downloadAnyway: 'Download anyway',
  use: 'Use',
  inUse: 'In use',
  incomplete: 'incomplete: {done} of {total}',
  resume: 'Resume download',
  progress: '{done} of {total} · {rate}/s · {left} left',
  tooBigStorage: 'This model needs {need} but only {free} of storage is free.',
  tooBigMemory: 'This model needs about {need} of memory; this device reports {have}.',
  backendInUse: 'Running on {backend}{adapter}',
  backend: 'Backend',
  auto: 'Automatic',
  webgpu: 'WebGPU (GPU)',
  wasm: 'CPU (WebAssembly)',
  temperature: 'Temperature',
  topP: 'Top-p',
  maxTokens: 'Max tokens',
  systemPrompt: 'System prompt',
  contextLength: 'Context length (tokens)',
  memoryBudget: 'Memory budget (MB, 0 = no limit)',
  language: 'Language',
  applyReload: 'Backend, context length and memory budget apply when the model is loaded again.',
  reload: 'Reload model',
  deviceLost: 'The GPU stopped working ({reason}); continuing on the CPU.',
  confirmDelete: 'Delete "{name}"?',
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
  decode: '生成 {rate} token/秒',
  memory: '内存 {bytes}',
  dropped: '有 {count} 条较早的消息超出上下文长度，已被省略。',
  updateAvailable: 'GLM Pocket 有新版本。',
  updateNow: '更新',
  installApp: '安装应用',
  iosInstall: '安装方法：点分享，再点添加到主屏幕。',
  installedModels: '已安装的模型',
  storage: '存储：已用 {used}，可用 {free}',
  installFromUrl: '从模型包地址添加模型',
  packUrl: '模型包地址',
  check: '检查',
  download: '下载',
  downloadAnyway: '仍然下载',
  use: '使用',
  inUse: '使用中',
  incomplete: '未完成：{done} / {total}',
  resume: '继续下载',
  progress: '{done} / {total} · {rate}/秒 · 剩余 {left}',
  tooBigStorage: '这个模型需要 {need}，但可用存储只有 {free}。',
  tooBigMemory: '这个模型大约需要 {need} 内存，本设备报告 {have}。',
  backendInUse: '运行在 {backend}{adapter}',
  backend: '后端',
  auto: '自动',
  webgpu: 'WebGPU（GPU）',
  wasm: 'CPU（WebAssembly）',
  temperature: '温度',
  topP: 'Top-p',
  maxTokens: '最大 token 数',
  systemPrompt: '系统提示词',
  contextLength: '上下文长度（token）',
  memoryBudget: '内存预算（MB，0 表示不限）',
  language: '语言',
  applyReload: '后端、上下文长度和内存预算在重新加载模型后生效。',
  reload: '重新加载模型',
  deviceLost: 'GPU 停止工作（{reason}），已改用 CPU 继续。',
  confirmDelete: '删除“{name}”？',
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
