// Demo model, the words that decide each topic: for every topic of tools/demo/topics.ts, the actions
// ("do") and things ("what") a user may name, with their synonyms in English and Chinese, which
// tools/demo/corpus.ts composes with shared frames, so the model learns the words rather than whole sentences.

type Words = { en: string[]; zh: string[] };

/** Per topic (or "out-of-scope"), actions for FRAMES.do and things for FRAMES.what; each phrase is one family. */
export const WORDS: Record<string, { do: Words; what: Words }> = {
  'what-is': {
    do: { en: ['use GLM Pocket', 'get started with this app', 'understand what this site does', 'make sense of this page', 'learn what GLM Pocket is for'], zh: ['用 GLM Pocket', '上手这个应用', '了解这个网站', '搞懂这个页面是干嘛的', '开始使用这个软件'] },
    what: { en: ['GLM Pocket', 'this web app', 'this tool', 'the purpose of this app', 'this chat app', 'this program', 'the GLM Pocket project', 'this page', 'this software'], zh: ['GLM Pocket', '这个网页应用', '这个工具', '这个软件', '这个程序', '这个聊天应用', '这个页面', '这个项目'] },
  },
  install: {
    do: { en: ['install this on my phone', 'add GLM Pocket to my home screen', 'put an icon on my home screen', 'install the web app', 'install it on my Mac', 'get GLM Pocket on my Samsung', 'save the app to my iPhone home screen', 'set it up as an app', 'make a shortcut to the app', 'install it from Chrome', 'install it from Safari', 'install GLM Pocket on a tablet', 'add it to my desktop'], zh: ['把它装到手机上', '添加到手机桌面', '在桌面放个图标', '安装这个网页应用', '在 Windows 上安装', '在 Mac 上安装', '在华为手机上安装', '在三星手机上安装', '把应用固定到桌面', '在 iPhone 主屏幕上添加', '创建快捷方式', '用 Chrome 安装', '用 Safari 添加到主屏幕', '在平板上安装'] },
    what: { en: ['the install prompt', 'installing the app', 'the Install app button', 'Add to Home Screen', 'the home screen icon', 'installation', 'the app icon on my phone'], zh: ['安装提示', '安装应用', '“安装应用”按钮', '添加到主屏幕', '主屏幕图标', '安装方法', '桌面图标'] },
  },
  offline: {
    do: { en: ['use the app with no signal', 'chat on a flight', 'use GLM Pocket without a network', 'keep chatting when wifi drops', 'use it with mobile data off', 'use it underground', 'chat without a connection', 'use it with no internet access'], zh: ['没有信号的时候用', '在飞机上聊天', '没有网络也能用', 'wifi 断了还继续聊', '关掉流量使用', '断网使用', '在地铁里用', '不连网聊天', '没有网的时候聊天'] },
    what: { en: ['offline mode', 'offline use', 'airplane mode', 'using it without internet', 'no internet', 'working offline', 'the app with no network', 'no wifi'], zh: ['离线模式', '离线使用', '飞行模式', '没网', '断网', '无网络', '离线', '没有 wifi'] },
  },
  'download-model': {
    do: { en: ['get a real GLM model', 'add GLM-Edge', 'download a bigger model', 'get a model that knows more', 'download GLM-4 9B', 'get a full language model', 'replace the demo with a real model', 'download a new model', 'obtain a GLM model'], zh: ['下载 GLM-Edge 1.5B', '获取真正的 GLM 模型', '下一个更强的模型', '装一个更聪明的模型', '添加 GLM-Edge', '下载更大的模型', '换一个懂得更多的模型', '下载 GLM-4 9B', '下载新模型', '把演示模型换成真正的模型', '获得 GLM 模型'] },
    what: { en: ['downloading a model', 'getting a better model', 'model downloads', 'a real GLM model', 'a smarter model', 'the Download button', 'downloading GLM-Edge'], zh: ['下载模型', '获取更好的模型', '模型下载', '真正的 GLM 模型', '更聪明的模型', '“下载”按钮', '下载 GLM-Edge'] },
  },
  'which-model': {
    do: { en: ['choose a model for my phone', 'pick the right model', 'choose a model for my laptop', 'pick a model for a low-end phone', 'know which model fits my device', 'select the best model'], zh: ['给手机选模型', '选合适的模型', '在 GLM-Edge 和 GLM-4 之间选', '给笔记本选模型', '给低端手机选模型', '知道哪个模型适合我的设备', '挑最好的模型'] },
    what: { en: ['the best model for a phone', 'GLM-Edge versus GLM-4', 'the model for a desktop', 'the supported models', 'which model to choose', 'the right model for an old phone', 'the model list', 'a good model for an iPhone'], zh: ['推荐的模型', '手机最好的模型', 'GLM-Edge 和 GLM-4 哪个好', '台式机用的模型', '支持的模型', '该选哪个模型', '旧手机适合的模型', '模型列表', '适合 iPhone 的模型'] },
  },
  'download-control': {
    do: { en: ['pause the download', 'halt the model download', 'stop the download for now', 'resume a paused download', 'continue a broken download', 'cancel the model that is downloading', 'restart an interrupted download', 'watch the download progress'], zh: ['暂停下载', '中止下载', '停下正在下载的模型', '先停止下载', '恢复暂停的下载', '继续中断的下载', '取消正在下载的模型', '重新开始中断的下载', '以后再接着下载', '看下载进度', '下载到一半停下'] },
    what: { en: ['the Pause button', 'pausing a download', 'a stuck download', 'an interrupted download', 'the download progress', 'the Cancel button', 'a download that stopped', 'resuming downloads', 'the progress bar'], zh: ['“暂停”按钮', '暂停下载', '卡住的下载', '中断的下载', '下载进度', '“取消”按钮', '停下来的下载', '继续下载', '进度条'] },
  },
  'download-time': {
    do: { en: ['know how long a download takes', 'estimate the download time', 'find out the size of a model', 'know how many megabytes a model is', 'see how much data a download uses'], zh: ['知道下载要多久', '估计下载时间', '知道模型有多大', '知道模型有多少 MB', '看下载要用多少流量'] },
    what: { en: ['the download time', 'the size of GLM-Edge', 'how long downloading takes', 'the model size in gigabytes', 'the data a download uses', 'the time left on a download', 'how big a model is'], zh: ['下载时间', 'GLM-Edge 的大小', '下载要多长时间', '模型有几个 G', '下载用的流量', '下载剩余时间', '模型的文件大小'] },
  },
  'switch-model': {
    do: { en: ['swap to the model I downloaded', 'use GLM-Edge now that it is downloaded', 'go back to the demo', 'switch back to the built-in model', 'choose another model for this chat', 'start using my new model', 'select GLM-4 9B', 'swap models'], zh: ['换回答的模型', '切换到我下载的模型', '下载好以后用 GLM-Edge', '换回演示模型', '切回内置模型', '给这个对话换个模型', '开始用新模型', '选 GLM-4 9B', '换个模型'] },
    what: { en: ['the model button', 'switching models', 'the Use button', 'the current model', 'changing the model', 'the model picker'], zh: ['模型按钮', '切换模型', '“使用”按钮', '当前模型', '换模型', '模型选择'] },
  },
  'delete-model': {
    do: { en: ['uninstall GLM-Edge', 'get rid of a downloaded model', 'erase the big model', 'throw away a model', 'delete the model I do not use', 'free the space of a model'], zh: ['卸载 GLM-Edge', '去掉下载的模型', '删掉那个大模型', '丢掉一个模型', '删除不用的模型', '从设备上移除模型', '把模型占的空间释放掉'] },
    what: { en: ['the Delete button', 'deleting a model', 'removing a model', 'uninstalling a model', 'a model I no longer need'], zh: ['“删除”按钮', '删除模型', '移除模型', '卸载模型', '不需要的模型'] },
  },
  storage: {
    do: { en: ['free up space on my phone', 'fix storage full', 'make room for another model', 'check how much space GLM Pocket takes', 'deal with low disk space', 'find where models are stored', 'save space'], zh: ['给手机腾空间', '解决存储满了', '给另一个模型腾地方', '看 GLM Pocket 占多少空间', '处理磁盘空间不足', '找到模型存在哪', '节省空间'] },
    what: { en: ['storage', 'disk space', 'the storage used', 'a full phone', 'not enough space', 'the space the app takes', 'low storage', 'where the models are saved'], zh: ['存储空间', '磁盘空间', '已用空间', '手机满了', '空间不足', '应用占的空间', '存储不够', '模型存放的位置'] },
  },
  'new-chat': {
    do: { en: ['start a new conversation', 'begin a new chat', 'start a fresh thread', 'start from a clean chat', 'reset this chat and start again', 'talk about something else in a new chat', 'create a new conversation'], zh: ['开始新的对话', '新开一个聊天', '打开空白对话', '开一个新话题', '从干净的对话开始', '重新开始一个聊天', '换个话题新开对话', '创建新对话'] },
    what: { en: ['the New chat button', 'a new chat', 'a fresh conversation', 'starting over'], zh: ['“新对话”按钮', '新对话', '新的聊天', '空白对话', '重新开始'] },
  },
  conversations: {
    do: { en: ['find yesterday\'s chat', 'see my past conversations', 'rename a chat', 'delete one conversation', 'open the chat list on my phone', 'browse my chat history', 'go back to an older conversation', 'open the drawer', 'show the sidebar'], zh: ['找到昨天的聊天', '看以前的对话', '给对话改名', '删除一个对话', '在手机上打开对话列表', '翻聊天记录', '回到以前的对话', '打开抽屉', '显示侧边栏'] },
    what: { en: ['my chat history', 'past conversations', 'the conversation list', 'the sidebar', 'the drawer', 'old chats', 'the menu button top left', 'saved chats'], zh: ['聊天记录', '以前的对话', '对话列表', '侧边栏', '抽屉', '旧的聊天', '左上角的菜单按钮', '保存的对话'] },
  },
  'export-import': {
    do: { en: ['back up my chats', 'export all conversations', 'import chats from a file', 'save my chats to a file', 'restore chats from a backup', 'copy my conversations to my laptop', 'keep my chats when I change phones'], zh: ['备份聊天', '导出所有对话', '从文件导入聊天', '把对话转到新手机', '把聊天保存到文件', '从备份恢复聊天', '把对话拷到电脑上', '换手机时保留聊天'] },
    what: { en: ['exporting chats', 'a backup of my conversations', 'importing conversations', 'the export file', 'Export all conversations', 'Import conversations', 'chat backup'], zh: ['导出聊天', '对话备份', '导入对话', '导出的文件', '“导出全部对话”', '“导入对话”', '聊天备份'] },
  },
  privacy: {
    do: { en: ['keep my chats private', 'know who can read my messages', 'make sure nothing leaves my phone', 'know if my data is sent anywhere', 'type sensitive info safely'], zh: ['保护聊天隐私', '知道谁能看我的消息', '确认数据不会离开手机', '知道数据有没有被上传', '安全地输入敏感信息'] },
    what: { en: ['privacy', 'my personal data', 'data collection', 'tracking', 'where my messages are sent', 'the server', 'security of my chats', 'uploading my data', 'data privacy'], zh: ['隐私', '个人数据', '数据收集', '追踪', '消息发到哪里', '服务器', '聊天安全', '上传数据', '数据隐私'] },
  },
  'clear-data': {
    do: { en: ['erase all data', 'wipe the app', 'reset GLM Pocket completely', 'remove every chat and model at once', 'delete everything', 'start fresh with no data', 'clear the app data'], zh: ['清除全部数据', '清空应用', '彻底重置 GLM Pocket', '一次删除所有聊天和模型', '删除所有东西', '清空数据重新开始', '清理应用数据'] },
    what: { en: ['Clear all data', 'a full reset', 'wiping everything', 'a factory reset', 'deleting all my data'], zh: ['“清除所有数据”', '完全重置', '全部清空', '恢复出厂', '删除全部数据'] },
  },
  theme: {
    do: { en: ['enable dark mode', 'use night mode', 'make the app dark', 'switch to a light theme', 'follow the system theme', 'change the colors of the app', 'make the screen less bright'], zh: ['打开暗色模式', '用夜间模式', '把应用调成黑色', '换成浅色主题', '跟随系统主题', '改应用的颜色', '让屏幕不那么亮'] },
    what: { en: ['dark mode', 'night mode', 'the theme', 'light mode', 'the color scheme', 'the dark theme', 'the appearance'], zh: ['深色模式', '夜间模式', '主题', '浅色模式', '配色', '暗色主题', '外观'] },
  },
  language: {
    do: { en: ['change the interface language', 'switch the menus to English', 'use the app in Chinese', 'set the app language', 'chat in Chinese'], zh: ['改界面语言', '把菜单换成英文', '用中文界面', '设置应用语言', '让应用显示中文', '用英文聊天'] },
    what: { en: ['the language setting', 'the app language', 'Chinese support', 'the languages you speak', 'English and Chinese', 'the interface language'], zh: ['语言设置', '应用语言', '中文支持', '你会的语言', '中文和英文', '界面语言'] },
  },
  'context-length': {
    do: { en: ['make the model remember more', 'keep the whole conversation in memory', 'stop it forgetting earlier messages', 'raise the context length', 'handle very long chats'], zh: ['让模型记住更多', '让它记住整个对话', '让它别忘了前面的话', '调大上下文长度', '处理很长的对话'] },
    what: { en: ['the context length', 'the context window', 'context size', 'how much it remembers', 'older messages being left out', 'a very long conversation', 'the model forgetting things'], zh: ['上下文长度', '上下文窗口', '上下文大小', '它能记住多少', '较早的消息被省略', '很长的对话', '模型忘事'] },
  },
  temperature: {
    do: { en: ['make answers less random', 'get the same answer every time', 'make replies more creative', 'make the output more varied', 'set the temperature'], zh: ['让回答不那么随机', '每次得到相同的回答', '让回答更有创意', '让输出更多样', '设置温度'] },
    what: { en: ['temperature', 'the temperature setting', 'randomness', 'temperature 0', 'a high temperature', 'the creativity setting'], zh: ['温度', '温度设置', '随机性', '温度 0', '高温度', '创造性设置'] },
  },
  'system-prompt': {
    do: { en: ['give the model an instruction for a chat', 'set a persona', 'make it always answer briefly', 'give each chat its own settings', 'tell the assistant how to behave'], zh: ['给模型设定对话指令', '设定角色', '让它总是简短回答', '给每个对话单独设置', '告诉助手该怎么表现'] },
    what: { en: ['the system prompt', 'a system message', 'chat settings', 'a persona', 'instructions for the model', 'the per-chat settings'], zh: ['系统提示词', '系统消息', '对话设置', '角色设定', '给模型的指令', '每个对话的设置'] },
  },
  'top-p': {
    do: { en: ['lower top-p', 'set top p', 'make replies more focused with top-p'], zh: ['调低 top-p', '设置 top p', '用 top-p 让回答更集中'] },
    what: { en: ['top-p', 'top p', 'topp', 'nucleus sampling', 'the top-p value', 'top_p'], zh: ['top-p', 'top p', '核采样', 'top-p 值', 'top_p'] },
  },
  'max-tokens': {
    do: { en: ['make replies longer', 'stop replies being cut off', 'allow longer answers', 'limit the reply length'], zh: ['让回答更长', '别让回答被截断', '允许更长的回答', '限制回答长度'] },
    what: { en: ['max tokens', 'maximum tokens', 'a reply that was cut off', 'the answer length limit', 'a truncated answer', 'the token limit'], zh: ['最大 token 数', '最大 token', '被截断的回答', '回答长度上限', '回答被截断', 'token 上限'] },
  },
  memory: {
    do: { en: ['know if a model fits in my RAM', 'check the memory of my device', 'run a model with little memory', 'see how much RAM GLM-Edge needs'], zh: ['知道模型能不能放进内存', '查看设备的内存', '在小内存手机上跑模型', '看 GLM-Edge 要多少内存'] },
    what: { en: ['RAM', 'the memory budget', 'memory usage', 'out of memory', 'how much memory it needs', 'the verdict for this device', 'a model too big for memory'], zh: ['内存', '内存预算', '内存使用', '内存不足', '需要多少内存', '本机能否运行的判断', '内存放不下的模型'] },
  },
  backend: {
    do: { en: ['make replies faster', 'use my GPU', 'speed up the model', 'run it on the graphics card', 'fix slow answers'], zh: ['让回答更快', '用我的 GPU', '加快模型速度', '用显卡运行', '解决回答太慢'] },
    what: { en: ['WebGPU', 'the GPU', 'WebAssembly', 'the CPU', 'speed', 'slow replies', 'the graphics card', 'hardware acceleration'], zh: ['WebGPU', 'GPU', 'WebAssembly', 'CPU', '速度', '回答很慢', '显卡', '硬件加速'] },
  },
  update: {
    do: { en: ['update GLM Pocket', 'upgrade to the newest version', 'get the new version', 'apply the update', 'reload into the latest version'], zh: ['更新 GLM Pocket', '升级到最新版本', '获取新版本', '应用更新', '载入最新版'] },
    what: { en: ['the update banner', 'the Update button', 'a new version', 'updates', 'the latest version'], zh: ['更新提示', '“更新”按钮', '新版本', '更新', '最新版本'] },
  },
  'who-are-you': {
    do: { en: ['know who I am talking to', 'find out what model you are', 'know if you are a real AI'], zh: ['知道我在跟谁聊', '知道你是什么模型', '知道你是不是真的 AI'] },
    what: { en: ['you', 'your name', 'the demo model', 'the model I am talking to', 'who made you', 'you, the assistant'], zh: ['你', '你的名字', '演示模型', '跟我聊天的模型', '谁做了你', '你这个助手'] },
  },
  capabilities: {
    do: { en: ['know what you can do', 'know what I can ask you', 'get some example questions', 'find out how you can help'], zh: ['知道你能做什么', '知道能问你什么', '要一些示例问题', '知道你能帮什么忙'] },
    what: { en: ['your abilities', 'what you can answer', 'the things you know', 'example questions', 'your skills'], zh: ['你的能力', '你能回答什么', '你知道的东西', '示例问题', '你会什么'] },
  },
  'out-of-scope': {
    do: { en: ['write a cover letter', 'learn Spanish fast', 'fix a leaking tap', 'cook fried rice', 'invest in stocks', 'pass my driving test', 'write a birthday card', 'calculate my mortgage', 'learn calculus', 'meditate', 'get a visa for Japan', 'write a SQL query', 'debug my JavaScript', 'draw a horse', 'play chess better', 'paint a wall', 'download movies for free', 'install Minecraft', 'delete my Instagram', 'pause my Netflix subscription', 'switch my phone carrier', 'update my iPhone to iOS 18', 'clear my browser cookies', 'change my Wi-Fi password', 'back up my photos to Google'], zh: ['写求职信', '快速学西班牙语', '修漏水的水龙头', '做炒饭', '炒股', '考驾照', '写生日贺卡', '算房贷', '学微积分', '冥想', '办日本签证', '写 SQL 查询', '调试 JavaScript 代码', '画一匹马', '下好象棋', '刷墙', '免费下载电影', '安装我的世界', '删除抖音账号', '暂停视频会员', '换手机运营商', '把苹果手机升级到最新系统', '清除浏览器缓存', '改 wifi 密码', '备份照片到云盘'] },
    what: { en: ['the Roman Empire', 'climate change', 'Bitcoin', 'the Pythagorean theorem', 'Shakespeare', 'the human heart', 'the Great Wall of China', 'volcanoes', 'the Olympics', 'electric cars', 'the moon landing', 'photosynthesis', 'the weather tomorrow', 'the temperature outside', 'a good recipe for soup', 'the meaning of life', 'the price of gold', 'the theory of evolution', 'the capital of Italy', 'the tallest mountain', 'the population of India', 'the best smartphone', 'the latest iPhone', 'world history'], zh: ['罗马帝国', '气候变化', '比特币', '勾股定理', '莎士比亚', '人的心脏', '长城', '火山', '奥运会', '电动车', '登月', '光合作用', '明天的天气', '外面的气温', '好喝的汤的做法', '人生的意义', '金价', '进化论', '意大利的首都', '最高的山', '印度的人口', '最好的手机', '最新的 iPhone', '世界历史'] },
  },
};

/** Short remarks a user may add before a question: none of them says anything about the topic. */
export const ASIDES = {
  en: ['I am new to this.', 'Sorry if this is a dumb question.', 'My English is not great.', 'I just found this.', 'First time here.', 'Quick one.', 'Not sure who to ask.', 'I am on my phone.', 'Hello again.', 'Honest question.', 'Serious question:', 'Another question.', 'One more thing.', 'I am a bit confused.', 'Please help.'],
  zh: ['我是新手。', '不好意思，可能是个傻问题。', '第一次用。', '刚发现这个。', '问个简单的。', '不知道问谁。', '我在用手机。', '又来了。', '认真问一下：', '还有一个问题。', '再问一个。', '有点搞不懂。', '求帮忙。'],
};

/**
 * Small talk composed from its parts (an opener, a core, a closer), so the greetings, thanks and
 * goodbyes the corpus teaches are many rather than a list to recite; each core is one family.
 */
export const SMALL_TALK: Record<string, { en: string[]; zh: string[] }> = {
  greeting: { en: ['hello', 'hi', 'hey', 'hi there', 'hello there', 'hey you', 'good morning', 'good afternoon', 'good evening', 'howdy', 'hiya', 'yo', 'greetings', 'morning', 'hey GLM', 'hello GLM Pocket', 'hi demo', 'sup'], zh: ['你好', '您好', '嗨', '哈喽', '早上好', '下午好', '晚上好', '早', '你好呀', '大家好', 'hi', '在吗', '你好 GLM'] },
  'how-are-you': { en: ['how are you', 'how are you doing', 'how is it going', 'how have you been', 'are you doing well', 'how do you feel', 'how is your day', 'you good', 'how are things', 'all good with you', 'how r u', 'what is up with you'], zh: ['你好吗', '你怎么样', '最近好吗', '你还好吗', '今天怎么样', '过得好吗', '心情怎么样', '一切都好吗', '最近忙吗', '你今天好吗'] },
  thanks: { en: ['thanks', 'thank you', 'thx', 'ty', 'many thanks', 'much appreciated', 'appreciate it', 'cheers', 'thanks a lot', 'thank you so much', 'thanks a bunch', 'that helped', 'that was helpful', 'great answer, thanks', 'thank u', 'you are a star', 'thanks mate', 'perfect, that is what I needed'], zh: ['谢谢', '多谢', '谢啦', '感谢', '太感谢了', '非常感谢', '谢谢你', '有用，谢谢', '明白了，谢谢', '辛苦了', '感谢帮助', '谢了', '好的谢谢'] },
  goodbye: { en: ['bye', 'goodbye', 'see you', 'see you later', 'see ya', 'good night', 'bye bye', 'talk later', 'catch you later', 'I am off', 'I have to go now', 'that is all, bye', 'later', 'farewell', 'take care'], zh: ['再见', '拜拜', '回头见', '下次见', '晚安', '走了', '我先走了', '先这样吧', '改天聊', '886', '下次再聊', '先下了'] },
};

export const SMALL_TALK_OPENERS = { en: ['', '', 'ok ', 'well ', 'oh ', 'alright, ', 'great, ', 'cool, ', 'hmm ', 'ah '], zh: ['', '', '好的，', '嗯，', '那个，', '哦，', '行，'] };
export const SMALL_TALK_CLOSERS = { en: ['', '', '!', '?', ' :)', '!!', ' friend', ' buddy', '.', ' again'], zh: ['', '', '！', '～', '呀', '啊', '。', '哈'] };

/**
 * More of the words people use for each topic, in casual and formal registers: verbs such as "get",
 * "remove", "turn on" have many everyday stand-ins, and each is one more family of WORDS.
 */
export const MORE_WORDS: Record<string, { do?: Partial<Words>; what?: Partial<Words> }> = {
  'what-is': { what: { en: ['this thing I just opened', 'the idea behind GLM Pocket', 'what GLM Pocket does', 'a summary of this app'], zh: ['这个东西', 'GLM Pocket 的用途', '这个应用的功能', 'GLM Pocket 的简介'] } },
  install: {
    do: { en: ['pin GLM Pocket to my start screen', 'get an app icon for GLM Pocket', 'run it as a standalone app', 'install it as a PWA', 'save GLM Pocket as an app on my iPad', 'keep GLM Pocket on my home screen', 'install GLM Pocket on my Pixel', 'put the web app on my Windows PC'], zh: ['把 GLM Pocket 固定到主屏幕', '给 GLM Pocket 弄个图标', '把它当成独立应用用', '装成 PWA', '在安卓上加个快捷方式', '在 iPad 上添加到主屏幕', '在小米手机上安装'] },
    what: { en: ['the PWA', 'a home screen shortcut', 'a desktop shortcut', 'the install option', 'an installable app'], zh: ['PWA', '主屏幕快捷方式', '桌面快捷方式', '安装选项'] },
  },
  offline: {
    do: { en: ['use it in the mountains', 'use it on a train with no coverage', 'use it while disconnected', 'use it in a dead zone', 'use GLM Pocket abroad without roaming', 'chat in the countryside with no signal'], zh: ['在山里用', '没有信号时聊天', '在火车上没网的时候用', '在国外不开漫游用', '网络断开的时候用', '在乡下没信号的时候用'] },
    what: { en: ['no coverage', 'being disconnected', 'a dead zone', 'no data plan', 'a flaky connection', 'a trip without internet'], zh: ['没信号', '没有覆盖', '网络断开', '不开流量', '网络不稳定', '没网的旅行'] },
  },
  'download-model': {
    do: { en: ['pull down GLM-Edge', 'load a real GLM model into the app', 'upgrade from the demo to a real model', 'add a larger GLM model'], zh: ['弄一个真正的 GLM 模型', '拉取 GLM-Edge', '把真正的模型装进应用', '从演示模型升级到真正的模型', '获取一个正经的模型', '加一个更大的 GLM 模型'] },
    what: { en: ['a full GLM model', 'GLM-Edge 1.5B chat', 'a model better than the demo', 'the models I can download'], zh: ['正经的模型', '完整的 GLM 模型', 'GLM-Edge 1.5B chat', '比演示更好的模型', '可以下载的模型'] },
  },
  'which-model': { what: { en: ['the model for a budget phone', 'GLM-Edge or GLM-4', 'the model to start with'], zh: ['中端手机用的模型', '便宜手机适合的模型', 'GLM-Edge 还是 GLM-4', '入门用的模型'] } },
  'download-control': {
    do: { en: ['kill the download', 'pick the download up later', 'resume the download tomorrow', 'end a download early', 'call off the download'], zh: ['停掉正在进行的下载', '结束下载', '明天再接着下载', '提前结束下载', '不下了，取消掉'] },
    what: { en: ['a download in progress', 'a half-finished download', 'a paused download'], zh: ['正在进行的下载', '下了一半的下载', '暂停的下载'] },
  },
  'download-time': {
    do: { en: ['know if the download is big', 'plan the download time'], zh: ['知道下载要几分钟', '知道下一个模型要多久', '知道下载大不大'] },
    what: { en: ['the download duration', 'the download speed', 'the model file size', 'how long a model takes to arrive'], zh: ['下载要几分钟', '下载时长', '下载速度', '模型文件有多大'] },
  },
  'switch-model': {
    do: { en: ['choose which model answers', 'make my new model the active one', 'set the active model', 'move this chat to another model', 'talk to the model I just downloaded'], zh: ['换成别的模型回答', '选择哪个模型回答', '把新模型设成当前模型', '设置当前使用的模型', '跟刚下载的模型聊天'] },
    what: { en: ['the active model', 'the model that answers'], zh: ['当前使用的模型', '哪个模型在回答', '回答用的模型', '两个下载好的模型'] },
  },
  'delete-model': {
    do: { en: ['wipe a model off my phone', 'trash a downloaded model', 'discard a model', 'drop a model I do not need', 'take a model off this computer', 'clear out an old model'], zh: ['把模型从手机上清掉', '扔掉下载的模型', '不要这个模型了', '把 GLM-Edge 从设备上删掉', '清理旧模型'] },
    what: { en: ['unused models', 'an old model', 'a model taking up space', 'the models I downloaded'], zh: ['不用的模型', '旧模型', '占地方的模型', '我下载的模型'] },
  },
  storage: {
    do: { en: ['clean up space', 'fix a disk full warning', 'handle a storage warning', 'see what takes space', 'get more free space for models'], zh: ['清理空间', '解决磁盘已满的提示', '处理存储警告', '看看什么占了空间', '给模型腾出更多空间'] },
    what: { en: ['the storage quota', 'a disk full warning', 'running out of space', 'a storage warning', 'free space', 'the browser storage'], zh: ['存储配额', '磁盘已满', '空间快用完了', '存储警告', '剩余空间', '浏览器存储'] },
  },
  'new-chat': { do: { en: ['open an empty chat', 'start a clean conversation', 'wipe the slate and chat again', 'make a new thread'], zh: ['开个空的聊天', '开一个干净的对话', '新建一个话题'] } },
  conversations: {
    do: { en: ['see an older chat', 'find a lost conversation', 'look up a previous chat', 'get back to an earlier chat'], zh: ['找上个月的聊天', '看更早的对话', '找回不见的对话', '查之前的聊天', '回到之前的对话'] },
    what: { en: ['my previous chats', 'earlier conversations', 'the list of chats'], zh: ['之前的聊天', '不见了的对话', '更早的对话', '聊天列表', '找不到的对话'] },
  },
  'export-import': {
    do: { en: ['move my chats to another device', 'migrate my conversations', 'keep a copy of my chats', 'load chats from a backup file'], zh: ['把聊天转到另一台设备', '迁移对话', '留一份聊天的副本', '把聊天记录带到新电脑', '从备份文件载入聊天'] },
    what: { en: ['moving chats between devices', 'a copy of my conversations', 'a backup file'], zh: ['在设备之间转移聊天', '对话的副本', '另一台设备上的记录', '备份文件'] },
  },
  privacy: {
    do: { en: ['know if anything gets uploaded', 'check that nobody reads my chats', 'know if my chats are used for training', 'know if the app spies on me'], zh: ['知道消息会不会离开设备', '知道有没有东西被上传', '确认没人看我的聊天', '知道聊天会不会被拿去训练', '知道应用会不会监视我'] },
    what: { en: ['whether my chats are uploaded', 'who sees my messages', 'confidentiality', 'my chats being read by someone'], zh: ['什么会离开手机', '聊天会不会上传', '谁能看到我的消息', '保密', '聊天被别人看到'] },
  },
  'clear-data': {
    do: { en: ['erase all my chats and models', 'reset everything to zero', 'clean the app out completely'], zh: ['删掉所有聊天和模型', '把浏览器里的 GLM Pocket 数据全清掉', '把一切清零', '清除这个浏览器里的全部数据', '把应用彻底清干净'] },
    what: { en: ['erasing everything', 'removing all data', 'a clean slate', 'a total wipe'], zh: ['清除一切', '删除所有数据', '全部清零'] },
  },
  theme: {
    do: { en: ['switch to a dark background', 'turn the app black', 'use a darker look'], zh: ['换成黑色背景', '不要白色背景', '晚上看着不刺眼', '把应用变成黑色', '用暗一点的外观'] },
    what: { en: ['a dark background', 'the bright screen', 'dark theme support', 'the look of the app'], zh: ['白色背景', '黑色背景', '屏幕太亮', '深色主题', '应用的样子'] },
  },
  language: { do: { en: ['show the app in English', 'turn the menus into Chinese', 'change the UI language'], zh: ['把应用显示成英文', '把菜单改成中文', '换界面的语言'] } },
  'context-length': { what: { en: ['memory of earlier messages'], zh: ['对前面消息的记忆'] } },
  temperature: { what: { en: ['the temperature slider', 'a low temperature'], zh: ['温度滑块', '低温度'] } },
  'system-prompt': {
    do: { en: ['give the model a role in one chat', 'set custom instructions for a chat'], zh: ['让模型用某种风格说话', '在一个对话里给模型一个角色', '给对话设置自定义指令', '让它像某个角色一样说话'] },
    what: { en: ['custom instructions', 'a role for the model', 'the style of replies', 'the instruction at the start of a chat'], zh: ['自定义指令', '模型的角色', '回答的风格', '对话开头的指令'] },
  },
  'top-p': { what: { en: ['the top-p slider', 'the top-p parameter', 'the top-p setting'], zh: ['top-p 滑块', 'top-p 参数', 'top-p 设置'] } },
  'max-tokens': { what: { en: ['replies that stop halfway', 'the longest reply', 'short replies'], zh: ['回答说到一半停了', '最长的回答', '回答太短'] } },
  memory: { what: { en: ['8 GB of memory', 'whether my RAM is enough', 'a phone with little memory'], zh: ['4 GB 内存', '8 GB 内存', '内存够不够', '内存小的手机'] } },
  backend: {
    do: { en: ['make it less slow', 'get faster answers', 'use hardware acceleration'], zh: ['让它别那么慢', '在笔记本上让回答快一点', '更快得到回答', '用硬件加速'] },
    what: { en: ['laggy answers', 'slow performance', 'why replies are slow', 'replies that take forever'], zh: ['性能很差', '为什么回答这么慢', '回答等半天'] },
  },
  update: {
    do: { en: ['get the newest release', 'check for updates', 'install the latest release'], zh: ['知道什么时候出新版本', '获取最新发布', '检查更新', '装最新的版本'] },
    what: { en: ['app updates', 'the version I have'], zh: ['新的发布', '最新发布', '应用更新', '我用的版本'] },
  },
  'who-are-you': {
    do: { en: ['know which company made you', 'know what I am chatting with'], zh: ['知道你是不是 ChatGPT', '知道哪个公司做了你', '知道我在跟什么聊天'] },
    what: { en: ['the model behind this chat', 'your maker', 'what you are'], zh: ['我在跟哪个 AI 聊', '这个聊天背后的模型', '你的开发者', '你是什么'] },
  },
  capabilities: {
    do: { en: ['know what you are good at', 'know what to ask you', 'see what you can help with'], zh: ['知道你能处理哪些问题', '知道你擅长什么', '知道该问你什么', '看看你能帮什么'] },
    what: { en: ['what you are good at', 'the topics you know', 'what I can ask'], zh: ['你能处理的问题', '你擅长的', '你懂的话题', '我能问什么'] },
  },
};
