// What the demo model knows: one answer per topic and language, naming the app's pages and buttons as
// src/app/i18n.svelte.ts does, and families of questions (each a different way of asking) for tools/demo/corpus.ts.

export interface Topic {
  topic: string;
  en: { answer: string; questions: string[] };
  zh: { answer: string; questions: string[] };
}

export const OUT_OF_SCOPE = {
  en: "I'm a small offline demo that only knows about GLM Pocket, so I can't answer that. For real answers, download a GLM model from the Models page.",
  zh: '我只是一个很小的离线演示模型，只了解 GLM Pocket，回答不了这个问题。想要真正的回答，请在“模型”页面下载一个 GLM 模型。',
};

export const TOPICS: Topic[] = [
  {
    topic: 'what-is',
    en: {
      answer: 'GLM Pocket runs GLM language models inside your browser, on this device. Your conversations stay here, it works offline, and you can download a real GLM model from the Models page.',
      questions: ['What is GLM Pocket?', 'what does this app do', 'Could you describe GLM Pocket for me?', 'what is this thing', 'Explain GLM Pocket in a sentence.', 'I just opened this page, what am I looking at?', 'what r u', 'What kind of app is this?', 'Tell me about this application.', 'What is the point of GLM Pocket?', 'glm pocket??', 'So what exactly is GLM Pocket and how does it work?', 'Give me a short introduction to this app', 'What is this website for?', 'What does GLM Pocket let me do?', 'is this a chatbot app?'],
    },
    zh: {
      answer: 'GLM Pocket 在你的浏览器里运行 GLM 语言模型，就在这台设备上。对话只保存在本机，可以离线使用；在“模型”页面可以下载真正的 GLM 模型。',
      questions: ['GLM Pocket 是什么？', '这个应用是干什么的？', '介绍一下 GLM Pocket', '这是什么东西', '这个网页是做什么用的？', 'GLM Pocket 能做什么？', '简单说说这个 app', '我刚打开这个页面，这是啥？', '这个软件有什么用', 'GLM Pocket 是怎么工作的？', '这是聊天机器人吗？', '给我讲讲这个应用吧'],
    },
  },
  {
    topic: 'install',
    en: {
      answer: "To install GLM Pocket, use your browser's Install prompt (the Install app button) on Android or a computer. On an iPhone, open it in Safari, tap Share, then Add to Home Screen.",
      questions: ['How do I install GLM Pocket on my phone?', 'how to install the app', 'Can I add this to my home screen?', 'How do I put it on my iPhone?', 'install on android?', 'Is there an app I can install, or is it only a website?', 'how do i get an icon for this on my phone', 'Can I install GLM Pocket on my laptop?', 'Where is the app store page for this?', 'make it an app on my phone pls', 'How do I add GLM Pocket to the home screen on iOS?', 'Is it possible to install this like a normal app?', 'I want GLM Pocket on my phone, how?', 'installation steps please', 'how do I install it on my ipad'],
    },
    zh: {
      answer: '安装方法：在安卓手机或电脑上，使用浏览器的安装提示（“安装应用”按钮）。在 iPhone 上用 Safari 打开，点分享，再点添加到主屏幕。',
      questions: ['怎么安装 GLM Pocket？', '怎么把它加到主屏幕？', '苹果手机怎么装这个应用？', '安卓手机上怎么安装？', '能装到手机上吗？', '有没有 app 可以下载安装？', '我想在桌面上有个图标，怎么弄', '电脑上能安装吗？', '怎么安装这个应用', 'iPhone 上怎么添加到主屏幕', '应用商店里有吗？', '安装步骤是什么'],
    },
  },
  {
    topic: 'offline',
    en: {
      answer: 'Yes, GLM Pocket works offline after the first visit. The app and the models you downloaded are stored on this device, so you can chat with no internet, even in airplane mode.',
      questions: ['Does GLM Pocket work offline?', 'can i use it without internet', 'Will it work in airplane mode?', 'Do I need a connection to chat?', 'what happens if my wifi goes down', 'Does it need the internet at all?', 'Can I use this on a plane?', 'offline?', 'Is an internet connection required after I download a model?', 'no signal here, will the app still work?', 'Can I chat while I have no mobile data?', 'Does this need a server to be online?', 'will it run in the subway with no network', 'does it work if I turn off wifi'],
    },
    zh: {
      answer: '可以离线使用。第一次打开之后，应用和你下载的模型都保存在这台设备上，没有网络（包括飞行模式）也能聊天。',
      questions: ['没网能用吗？', 'GLM Pocket 可以离线使用吗？', '飞行模式下还能用吗？', '需要联网吗', '断网了还能聊天吗？', '在飞机上能用吗', '没有信号的时候能不能用', '离线能用吗', '下载完模型以后还需要网络吗？', '关掉 wifi 还能用吗', '地铁里没网能用这个吗？', '一定要连网才能用吗'],
    },
  },
  {
    topic: 'download-model',
    en: {
      answer: 'Open the Models page, pick a GLM model and tap Download. GLM-Edge 1.5B chat is recommended for phones, GLM-4 9B for big desktops. Progress shows on every page.',
      questions: ['How do I download a real GLM model?', 'how can i get a better model', 'Where do I download GLM-Edge?', 'How to get a bigger model?', 'I want smarter answers, what should I do?', 'download a model how', 'Can I get GLM-4 on this app?', 'How do I add a new model?', 'where are the models to download', 'How can I install a GLM model in the app?', 'get glm edge', 'This demo is too limited, how do I get a proper model?', 'Can I use a real language model here?', 'how do i downlod a modle', 'Please explain how downloading a model works.'],
    },
    zh: {
      answer: '打开“模型”页面，选一个 GLM 模型，点“下载”。手机推荐 GLM-Edge 1.5B chat，大内存的台式电脑可以用 GLM-4 9B。下载进度在每个页面都能看到。',
      questions: ['怎么下载 GLM 模型？', '怎样获取更好的模型？', '在哪里下载 GLM-Edge？', '想要更聪明的回答怎么办？', '怎么添加新模型', '能用 GLM-4 吗？', '模型在哪里下载', '演示模型太弱了，怎么换个真正的模型？', '怎么下个大一点的模型', '我想要真正的 GLM 模型', '下载模型的步骤是什么', '怎么获得 GLM-Edge 模型'],
    },
  },
  {
    topic: 'which-model',
    en: {
      answer: 'For a phone, GLM-Edge 1.5B chat is the recommended model; GLM-4 9B is for big desktops. The Models page lists each model with its size and a verdict for this device.',
      questions: ['Which model should I use?', 'which GLM models can it run?', 'What model do you recommend for my phone?', 'Is GLM-4 9B too big for a phone?', 'which one is best for a laptop', 'What models are available?', 'Can my phone run the 9B model?', 'which model is recommended', 'What is the difference between GLM-Edge and GLM-4?', 'Will the big model fit on my device?', 'best model for an android phone?', 'Which GLM models are supported?', 'what is the smallest real model'],
    },
    zh: {
      answer: '手机推荐 GLM-Edge 1.5B chat；GLM-4 9B 适合大内存的台式电脑。“模型”页面会列出每个模型的大小，以及它在这台设备上能不能运行。',
      questions: ['该用哪个模型？', '支持哪些模型？', '手机推荐用什么模型？', 'GLM-4 9B 手机能跑吗？', '笔记本用哪个模型好', '有哪些模型可以选', 'GLM-Edge 和 GLM-4 有什么区别？', '我的设备能运行大模型吗？', '推荐哪个模型', '最小的真正模型是哪个', '安卓手机适合哪个模型'],
    },
  },
  {
    topic: 'download-control',
    en: {
      answer: 'A download shows its progress on every page, with Pause, Resume and Cancel buttons. A paused or interrupted download continues where it stopped.',
      questions: ['Can I pause a download?', 'how do i stop a download', 'What if my connection drops during a download?', 'Can I cancel downloading a model?', 'where do i see the download progress', 'Does the download continue if I close the app?', 'The download stopped halfway, what now?', 'Can I keep using the app while a model downloads?', 'resume download?', 'How do I cancel the model I started downloading?', 'is there a progress bar for downloads'],
    },
    zh: {
      answer: '下载进度在每个页面都会显示，有暂停、继续和取消按钮。暂停或中断的下载会从停下的地方接着下载。',
      questions: ['下载可以暂停吗？', '怎么取消下载', '下载到一半断网了怎么办？', '在哪里看下载进度', '下载中断了还能继续吗', '关掉应用下载会继续吗？', '下载的时候还能用别的页面吗', '怎么停止正在下载的模型', '有下载进度条吗', '下载卡住了怎么办'],
    },
  },
  {
    topic: 'download-time',
    en: {
      answer: "It depends on the model and your connection: the Models page shows each model's size before you tap Download, and the progress bar shows the time left.",
      questions: ['How long does a model take to download?', 'how big is the download', 'How many gigabytes is GLM-Edge?', 'is the download large', 'How much data will downloading a model use?', 'How long will the download take on mobile data?', 'what size are the models'],
    },
    zh: {
      answer: '这取决于模型大小和网速：点“下载”之前，“模型”页面会显示每个模型的大小，下载时进度条会显示剩余时间。',
      questions: ['下载模型要多久？', '模型有多大', '下载要用多少流量？', 'GLM-Edge 有几个 G？', '下载文件大吗', '用手机流量下载要多长时间'],
    },
  },
  {
    topic: 'switch-model',
    en: {
      answer: 'Tap the model button at the top of the chat to switch models, or tap Use next to a downloaded model on the Models page.',
      questions: ['How do I switch models?', 'how do i change the model', 'I downloaded GLM-Edge, how do I use it?', 'How do I go back to the demo model?', 'Where do I pick which model answers?', 'switch to another model', 'How can I chat with the model I downloaded?', 'Can I change models in the middle of a chat?', 'which button changes the model', 'how to select a different model'],
    },
    zh: {
      answer: '点聊天页顶部的模型按钮就能切换模型，也可以在“模型”页面点已下载模型旁边的“使用”。',
      questions: ['怎么切换模型？', '怎么换模型', '下载好的模型怎么用？', '怎么换回演示模型', '在哪里选择用哪个模型', '聊天中途能换模型吗？', '怎么用我下载的 GLM-Edge', '哪个按钮可以换模型', '怎么选别的模型'],
    },
  },
  {
    topic: 'delete-model',
    en: {
      answer: 'Open the Models page and tap Delete next to the model you no longer need. That frees its storage on this device.',
      questions: ['How do I delete a model?', 'how to remove a downloaded model', 'Can I uninstall GLM-Edge?', 'I want to get rid of the big model', 'how do i free the space a model uses', 'delete model', 'Where is the button to remove a model?', 'Can I delete a model I no longer use?', 'how to erase a model from my phone'],
    },
    zh: {
      answer: '打开“模型”页面，在不再需要的模型旁边点“删除”，就能释放它占用的存储空间。',
      questions: ['怎么删除模型？', '下载的模型怎么删掉', '不想要这个模型了怎么办', '怎么卸载 GLM-Edge', '删除模型的按钮在哪', '怎么释放模型占的空间', '能删掉不用的模型吗', '怎么把模型从手机上移除'],
    },
  },
  {
    topic: 'storage',
    en: {
      answer: 'When storage runs low, delete models you do not use on the Models page: each one shows its size there. Clear all data in Settings removes everything.',
      questions: ['My phone says storage is full, what now?', 'how much space does the app use', 'Not enough storage to download a model, help', 'The app takes too much space', 'How do I see how much storage GLM Pocket uses?', 'storage full', 'Where are the models saved?', 'Does it fill up my disk?', 'out of space error when downloading'],
    },
    zh: {
      answer: '存储空间不够时，到“模型”页面删除不用的模型，每个模型都标着大小。设置里的“清除所有数据”会删除全部内容。',
      questions: ['手机提示存储空间满了怎么办？', '这个应用占多少空间', '空间不够下载模型', '应用占用空间太大了', '模型保存在哪里？', '存储满了', '会不会把手机存储占满', '下载时提示空间不足'],
    },
  },
  {
    topic: 'new-chat',
    en: {
      answer: 'Tap New chat to start a fresh conversation. Your earlier conversations stay in the list: the menu button top left on a phone, the sidebar on a desktop.',
      questions: ['How do I start a new chat?', 'new conversation please', 'How can I begin a fresh conversation?', 'I want to start over with a clean chat', 'where is the new chat button', 'How do I clear this chat and start again?', 'start a new topic', 'Can I have several conversations at once?'],
    },
    zh: {
      answer: '点“新对话”就能开始一个新的对话。之前的对话还在列表里：手机上点左上角的菜单按钮，电脑上在侧边栏。',
      questions: ['怎么开始新对话？', '新建一个聊天', '我想重新开始一个对话', '新对话按钮在哪', '怎么开一个新的聊天', '能同时有好几个对话吗', '换个话题重新聊'],
    },
  },
  {
    topic: 'conversations',
    en: {
      answer: 'Your conversations are in the drawer: on a phone tap the menu button top left, on a desktop they are in the sidebar. You can rename or delete them there.',
      questions: ['Where are my old conversations?', 'how do i find a previous chat', 'Can I rename a conversation?', 'How do I delete a chat?', 'where is my chat history', 'I lost my conversation from yesterday', 'How do I see all my chats?', 'Are my chats saved?', 'how to open the list of conversations on my phone'],
    },
    zh: {
      answer: '你的对话都在对话列表里：手机上点左上角的菜单按钮，电脑上在侧边栏里。在那里可以重命名或删除对话。',
      questions: ['以前的对话在哪里？', '怎么找到之前的聊天', '对话能重命名吗', '怎么删除一个对话', '聊天记录在哪', '昨天的对话找不到了', '怎么看所有的对话', '聊天会保存吗', '手机上怎么打开对话列表'],
    },
  },
  {
    topic: 'export-import',
    en: {
      answer: 'Open Settings and choose Export all conversations to save them as one file; Import conversations adds them back, on this or another device.',
      questions: ['How do I back up my conversations?', 'can i export my chats', 'How do I move my conversations to another phone?', 'Is there a way to save chats as a file?', 'how to import conversations', 'I got a new phone, how do I keep my chats?', 'export chat history', 'Can I restore conversations from a backup file?'],
    },
    zh: {
      answer: '打开“设置”，选“导出全部对话”把对话保存成一个文件；用“导入对话”可以在这台或另一台设备上把它们加回来。',
      questions: ['怎么备份对话？', '聊天记录能导出吗', '怎么把对话转到另一台手机', '能把聊天保存成文件吗', '怎么导入对话', '换了新手机，聊天记录怎么办', '导出聊天记录', '能从备份文件恢复对话吗'],
    },
  },
  {
    topic: 'privacy',
    en: {
      answer: 'Everything stays on your device: your conversations and models are stored in this browser and nothing is sent to a server.',
      questions: ['Is my data private?', 'are my chats sent to a server', 'Does GLM Pocket collect my data?', 'Can anyone else read my conversations?', 'is it safe to type personal stuff here', 'Where do my messages go?', 'Do you upload what I write?', 'Is there any tracking in this app?', 'privacy?', 'Does Zhipu see my questions?'],
    },
    zh: {
      answer: '所有内容都只保存在你的设备上：对话和模型存放在这个浏览器里，不会发送到任何服务器。',
      questions: ['我的数据安全吗？', '聊天记录会上传吗？', '会收集我的数据吗', '别人能看到我的对话吗', '在这里输入隐私信息安全吗', '我的消息会发到哪里', '你会上传我写的东西吗', '隐私有保障吗', '有没有追踪用户'],
    },
  },
  {
    topic: 'clear-data',
    en: {
      answer: 'Open Settings and tap Clear all data: it removes your conversations, downloaded models and settings from this device.',
      questions: ['How do I delete all my data?', 'reset the app', 'How can I wipe everything?', 'I want to remove all my chats and models at once', 'how to clear all data', 'Start from scratch, delete everything', 'factory reset glm pocket'],
    },
    zh: {
      answer: '打开“设置”，点“清除所有数据”，就会从这台设备删除你的对话、下载的模型和设置。',
      questions: ['怎么删除所有数据？', '怎么重置应用', '一次性清空所有东西', '想把对话和模型全部删掉', '清除全部数据', '怎么恢复初始状态'],
    },
  },
  {
    topic: 'theme',
    en: {
      answer: 'Open Settings and choose a Theme: Light, Dark, or Match the device.',
      questions: ['Is there a dark mode?', 'how do i change the theme', 'Can I make the app light?', 'The screen is too bright at night', 'dark theme pls', 'Can I change the colors?', 'switch to light mode'],
    },
    zh: {
      answer: '打开“设置”，在“主题”里选浅色、深色或跟随设备。',
      questions: ['有深色模式吗？', '怎么换主题', '能改成浅色吗', '晚上屏幕太亮了', '夜间模式在哪', '能换颜色吗'],
    },
  },
  {
    topic: 'language',
    en: {
      answer: 'Open Settings and change the Language: the app speaks English and Chinese, and I answer in the language you write in.',
      questions: ['Can you speak Chinese?', 'how do i change the language', 'Can I switch the app to Chinese?', 'Which languages do you understand?', 'change language to english', 'Do you speak other languages?', 'The menus are in Chinese, how do I get English?'],
    },
    zh: {
      answer: '打开“设置”，在“语言”里切换：应用支持中文和英文，我会用你提问的语言回答。',
      questions: ['你会说英文吗？', '怎么换语言', '能把界面改成中文吗', '支持哪些语言', '怎么切换成英文界面', '你能说中文吗', '菜单是英文的，怎么改成中文'],
    },
  },
  {
    topic: 'context-length',
    en: {
      answer: 'The context length is how many tokens of the conversation the model reads. When a chat grows longer, the oldest messages are left out; raise it in Settings or start a New chat.',
      questions: ['What is the context length?', 'What happens when the conversation gets very long?', 'why did you forget what i said earlier', 'explain context length', 'Does the model remember the whole chat?', 'A message said older messages were left out, why?', 'How much of the conversation can it remember?', 'what does the context setting mean', 'Should I increase the context length?'],
    },
    zh: {
      answer: '上下文长度是模型能读到的对话 token 数。对话太长时，最早的消息会被省略；可以在“设置”里调大，或者开始新对话。',
      questions: ['上下文长度是什么？', '对话很长的时候会怎样？', '为什么你忘了我前面说的话', '解释一下上下文长度', '模型能记住整个对话吗', '提示说较早的消息被省略了，为什么', '它能记住多少对话内容', '要不要调大上下文长度'],
    },
  },
  {
    topic: 'temperature',
    en: {
      answer: 'Temperature sets the randomness of replies: 0 gives the same answer every time, higher values give more varied ones. Change it in Settings.',
      questions: ['What does the temperature setting do?', 'explain temperature', 'Why do I get a different answer each time?', 'How do I make the answers less random?', 'what is temp in the settings', 'Should I set temperature high or low?', 'make replies more creative', 'What does temperature 0 mean?'],
    },
    zh: {
      answer: '温度控制回答的随机性：0 每次给出相同的回答，越高回答越多样。可以在“设置”里修改。',
      questions: ['温度参数是什么意思？', '解释一下温度', '为什么每次回答都不一样', '怎么让回答不那么随机', '设置里的温度有什么用', '温度调高还是调低好', '温度设成 0 是什么意思'],
    },
  },
  {
    topic: 'system-prompt',
    en: {
      answer: 'Each chat has its own settings, with a system prompt: an instruction given to the model before the conversation, such as "answer briefly".',
      questions: ['What is the system prompt?', 'how do i give the model instructions for a chat', 'Can each conversation have its own settings?', 'explain system prompt', 'How do I make it always answer briefly?', 'Where do I set a persona for the assistant?', 'what is a system message'],
    },
    zh: {
      answer: '每个对话都有自己的设置，包括系统提示词：在对话开始前给模型的指令，例如“回答简短一些”。',
      questions: ['系统提示词是什么？', '怎么给模型设定指令', '每个对话能有自己的设置吗', '解释一下系统提示词', '怎么让它一直回答得简短', '在哪里给助手设定角色'],
    },
  },
  {
    topic: 'top-p',
    en: {
      answer: 'Top-p limits each next word to the most likely choices whose chances add up to p: lower values make replies more focused.',
      questions: ['What is top-p?', 'explain top p', 'What does the top-p value change?', 'nucleus sampling?', 'Should I lower top-p?', 'what is top_p for'],
    },
    zh: {
      answer: 'Top-p 只让模型从概率加起来达到 p 的最可能的词里选下一个词：数值越低，回答越集中。',
      questions: ['Top-p 是什么？', '解释一下 top p', 'top-p 调低会怎样', '核采样是什么意思', 'top_p 有什么用'],
    },
  },
  {
    topic: 'max-tokens',
    en: {
      answer: 'Max tokens is the longest reply the model may write, counted in tokens; the reply stops there.',
      questions: ['What is max tokens?', 'why was the reply cut off', 'explain the max tokens setting', 'How long can a reply be?', 'the answer stopped in the middle of a sentence', 'what limits the length of an answer'],
    },
    zh: {
      answer: '最大 token 数是模型一次回答最多能写的 token 数，到这里回答就会停止。',
      questions: ['最大 token 数是什么？', '为什么回答被截断了', '解释一下最大 token 数', '回答最长能有多长', '回答说到一半就停了'],
    },
  },
  {
    topic: 'memory',
    en: {
      answer: "GLM Pocket checks this device's memory: the Models page gives each model a verdict for this device, and a model too big for memory is read from storage, slower.",
      questions: ['What is the memory budget?', 'how much memory does it need', 'Will a model fit in my phone memory?', 'How much RAM do I need for GLM-Edge?', 'it said memory ran out, what does that mean', 'does it use a lot of ram', 'Why does the Models page say a model is too big for this device?'],
    },
    zh: {
      answer: 'GLM Pocket 会检查这台设备的内存：“模型”页面会给出每个模型在本机能否运行的判断；内存放不下的模型会从存储读取，速度较慢。',
      questions: ['内存预算是什么？', '需要多少内存', '我的手机内存够跑模型吗', '运行 GLM-Edge 要多少内存', '提示内存不足是什么意思', '占用内存多吗', '为什么模型页面说模型太大'],
    },
  },
  {
    topic: 'backend',
    en: {
      answer: 'GLM Pocket runs on WebGPU when your browser supports it, and on the CPU (WebAssembly) otherwise. WebGPU is faster; a smaller model is faster too.',
      questions: ['Does it use the GPU?', 'why is it so slow', 'What is WebGPU?', 'Should I pick WebGPU or the CPU?', 'how can i make replies faster', 'Does my graphics card matter?', 'what runs the model, cpu or gpu', 'It is slow on my phone, why?'],
    },
    zh: {
      answer: '浏览器支持时，GLM Pocket 用 WebGPU 运行，否则用 CPU（WebAssembly）。WebGPU 更快，模型越小也越快。',
      questions: ['会用 GPU 吗？', '为什么这么慢', 'WebGPU 是什么', '选 WebGPU 还是 CPU', '怎么让回答更快', '显卡有影响吗', '模型是用 CPU 还是 GPU 跑的', '在手机上好慢，为什么'],
    },
  },
  {
    topic: 'update',
    en: {
      answer: 'When a new version of GLM Pocket is out, a banner shows an Update button: tap it to reload into the new version.',
      questions: ['How do I update the app?', 'is there a new version', 'How do I get the latest version of GLM Pocket?', 'what does the update banner mean', 'does it update itself'],
    },
    zh: {
      answer: 'GLM Pocket 有新版本时，会显示一个带“更新”按钮的提示，点它就会载入新版本。',
      questions: ['怎么更新应用？', '有新版本吗', '怎么升级到最新版', '更新提示是什么意思', '会自动更新吗'],
    },
  },
  {
    topic: 'who-are-you',
    en: {
      answer: 'I am the GLM Pocket demo: a tiny model built into the app that only knows about GLM Pocket. For real answers, download a GLM model from the Models page.',
      questions: ['Who are you?', 'are you chatgpt', 'What model are you?', 'Are you a real AI?', 'who made you', 'Why are your answers so limited?', 'are you GLM-4', 'Are you a human?', 'what are you exactly', 'Why can you only talk about this app?'],
    },
    zh: {
      answer: '我是 GLM Pocket 的演示模型：内置在应用里的一个很小的模型，只了解 GLM Pocket。想要真正的回答，请在“模型”页面下载一个 GLM 模型。',
      questions: ['你是谁？', '你是 ChatGPT 吗', '你是什么模型', '你是真的人工智能吗', '谁做的你', '你为什么懂得这么少', '你是 GLM-4 吗', '你是人吗', '为什么你只会聊这个应用'],
    },
  },
  {
    topic: 'capabilities',
    en: {
      answer: 'I can answer questions about GLM Pocket: installing it, using it offline, downloading a GLM model, the settings and your conversations. Ask me one!',
      questions: ['What can you do?', 'help', 'What can I ask you?', 'what do you know about', 'How can you help me?', 'I do not know what to ask', 'what are you able to answer', 'give me some example questions'],
    },
    zh: {
      answer: '我能回答关于 GLM Pocket 的问题：怎么安装、离线使用、下载 GLM 模型、设置和对话管理。问我吧！',
      questions: ['你能做什么？', '帮助', '我可以问你什么', '你知道些什么', '你能帮我什么', '不知道该问什么', '你能回答哪些问题'],
    },
  },
  {
    topic: 'greeting',
    en: {
      answer: 'Hello! I am the GLM Pocket demo. Ask me how to install the app, use it offline or download a GLM model.',
      questions: ['Hello', 'hi', 'Hey there!', 'good morning', 'Hi GLM', 'yo', 'Greetings!', 'good evening', 'hello hello', 'Hiya'],
    },
    zh: {
      answer: '你好！我是 GLM Pocket 的演示模型。可以问我怎么安装应用、离线使用或者下载 GLM 模型。',
      questions: ['你好', '嗨', '您好！', '早上好', '哈喽', '晚上好', '你好呀', 'hello 你好'],
    },
  },
  {
    topic: 'how-are-you',
    en: {
      answer: 'I am fine, thank you! I run right here on your device. What would you like to know about GLM Pocket?',
      questions: ['How are you?', 'how r u doing', "How's it going?", 'are you ok', 'how are you today', "what's up"],
    },
    zh: {
      answer: '我很好，谢谢！我就运行在你的设备上。关于 GLM Pocket 想了解什么？',
      questions: ['你好吗？', '最近怎么样', '你还好吗', '今天过得怎么样', '在干嘛呢'],
    },
  },
  {
    topic: 'thanks',
    en: {
      answer: "You're welcome! Ask me anything else about GLM Pocket.",
      questions: ['Thanks', 'thank you so much', 'Great, that helps', 'cheers', 'thx', 'Perfect, thanks a lot!', 'ok got it, thank you', 'Appreciate it'],
    },
    zh: {
      answer: '不客气！还有关于 GLM Pocket 的问题可以继续问我。',
      questions: ['谢谢', '太感谢了', '好的，明白了，谢谢', '多谢', '谢啦', '有帮助，谢谢你'],
    },
  },
  {
    topic: 'goodbye',
    en: {
      answer: 'Goodbye! Your conversation stays saved on this device.',
      questions: ['Goodbye', 'bye', 'See you later!', 'good night', "that's all for now, bye", 'I have to go'],
    },
    zh: {
      answer: '再见！这段对话会保存在这台设备上。',
      questions: ['再见', '拜拜', '下次见', '晚安', '先这样，再见', '我要走了'],
    },
  },
];

/**
 * Requests the demo cannot answer, as templates: each is one family, `{}` filled from its slot list.
 * Some share words with the topics above ("download", "phone", "temperature", "install") on purpose.
 */
export const OUT_OF_SCOPE_FAMILIES: { en: [string, string[]][]; zh: [string, string[]][] } = {
  en: [
    ['What is the capital of {}?', ['France', 'Japan', 'Brazil', 'Canada', 'Kenya', 'Australia', 'Egypt', 'Norway', 'Peru', 'Vietnam']],
    ['Who wrote {}?', ['Hamlet', 'Pride and Prejudice', 'War and Peace', 'Don Quixote', 'the Odyssey', 'Dream of the Red Chamber', '1984']],
    ['Write a poem about {}.', ['the sea', 'autumn', 'my cat', 'love', 'the moon', 'a rainy day', 'mountains', 'coffee']],
    ['write me a short story about {}', ['a dragon', 'a lost robot', 'two friends', 'a haunted house', 'space travel', 'a talking dog']],
    ['Can you write an email to {}?', ['my boss asking for a day off', 'a client about a late delivery', 'my landlord', 'my teacher', 'a hotel to book a room']],
    ['Write a {} function that {}.', ['Python|reverses a string', 'JavaScript|sorts an array', 'C|computes a factorial', 'Rust|reads a file', 'Java|checks for primes', 'SQL|finds duplicate rows']],
    ['How do I {} in Python?', ['read a CSV file', 'sort a dictionary', 'make an HTTP request', 'parse JSON', 'use a for loop']],
    ['What is {} times {}?', ['37|12', '128|64', '7|8', '15|15', '999|3', '42|17']],
    ['Solve {}', ['x^2 - 5x + 6 = 0', '2x + 3 = 11', 'the integral of x squared', '3y - 7 = 8', 'for x: 4x = 20']],
    ["What's the weather like in {} today?", ['Paris', 'Beijing', 'London', 'New York', 'Tokyo', 'Sydney', 'my city']],
    ['What is the temperature in {} right now?', ['Berlin', 'Shanghai', 'Chicago', 'Dubai', 'Moscow']],
    ['Translate "{}" into {}.', ['good morning|French', 'thank you|Spanish', 'where is the station|German', 'I love you|Italian', 'how much is this|Japanese']],
    ['Who won the {}?', ['World Cup in 2018', 'last Super Bowl', 'Nobel Prize in physics', 'Tour de France', 'Champions League final']],
    ['Explain {} to me.', ['quantum physics', 'photosynthesis', 'the theory of relativity', 'inflation', 'blockchain', 'how vaccines work', 'black holes']],
    ['Can you recommend a good {}?', ['movie', 'book to read', 'restaurant nearby', 'laptop', 'phone to buy', 'TV series', 'podcast']],
    ['How do I cook {}?', ['rice', 'pasta carbonara', 'dumplings', 'a steak', 'scrambled eggs', 'mapo tofu']],
    ['How tall is {}?', ['Mount Everest', 'the Eiffel Tower', 'the Burj Khalifa', 'a giraffe', 'the Great Wall']],
    ['What is the meaning of {}?', ['life', 'the word serendipity', 'this dream I had', 'the color blue in art']],
    ['Tell me a {}.', ['joke', 'fun fact', 'riddle', 'bedtime story', 'funny story']],
    ['Do you like {}?', ['music', 'football', 'pizza', 'cats', 'movies', 'reading']],
    ["What's your favourite {}?", ['food', 'color', 'song', 'animal', 'city', 'movie']],
    ['How do I download {} on my phone?', ['music', 'Spotify', 'TikTok', 'a PDF', 'WhatsApp', 'photos from iCloud']],
    ['How do I install {}?', ['Windows 11', 'Python on my Mac', 'a printer driver', 'Photoshop', 'Linux', 'Node.js']],
    ['How do I train a {}?', ['neural network in PyTorch', 'puppy to sit', 'language model from scratch', 'machine learning model']],
    ['Give me advice about {}.', ['losing weight', 'a job interview', 'my headache', 'investing money', 'learning guitar', 'sleeping better']],
    ['Summarize {}.', ['the French Revolution', 'the plot of Titanic', 'this article for me', 'World War II', 'the news today']],
    ['What year did {}?', ['the Berlin Wall fall', 'humans land on the Moon', 'the Titanic sink', 'World War I start']],
    ['Plan a {} for me.', ['trip to Italy', 'birthday party', 'workout routine', 'weekly menu', 'study schedule']],
    ['Is {} a good idea?', ['buying bitcoin', 'moving to Canada', 'quitting my job', 'learning Rust', 'eating late at night']],
    ['How many {}?', ['people live in China', 'planets are in the solar system', 'bones are in the human body', 'days are in a leap year', 'countries are in Africa']],
    ['{}', ['Why is the sky blue?', 'What time is it?', 'What is 2+2?', 'Who is the president of the United States?', 'What is love?', 'Sing me a song', 'Can you help me with my homework?', 'Fix my code please', 'What is the best programming language?', 'How far is the Moon?', 'What should I eat for dinner?', 'Write an essay on climate change', 'Convert 100 dollars to euros', 'What is the speed of light?', 'Draw me a picture of a cat', 'Who is Albert Einstein?', 'Are aliens real?', 'What is the stock price of Apple?', 'Do you dream?', 'What is your opinion on politics?', 'Calculate 15% of 240', 'Generate a random password', 'Help me write a cover letter', 'My phone is broken, how do I fix the screen?', 'Which phone has the best camera?', 'Is it safe to download apps from unknown websites?', 'How do I make my phone battery last longer?', 'What is the best browser?', 'How do I clear my browser cache in Chrome?']],
  ],
  zh: [
    ['{}的首都是哪里？', ['法国', '日本', '巴西', '加拿大', '埃及', '澳大利亚', '越南', '挪威']],
    ['{}是谁写的？', ['红楼梦', '西游记', '哈姆雷特', '三体', '战争与和平', '骆驼祥子']],
    ['写一首关于{}的诗', ['大海', '秋天', '月亮', '爱情', '故乡', '春雨', '猫']],
    ['给我写一个关于{}的故事', ['龙', '机器人', '小狗', '太空旅行', '鬼屋', '两个朋友']],
    ['帮我写一封{}', ['请假邮件', '给老板的辞职信', '求职信', '道歉信', '感谢信']],
    ['用{}写一个{}的函数', ['Python|反转字符串', 'JavaScript|数组排序', 'C 语言|计算阶乘', 'Java|判断素数', 'Go|读取文件']],
    ['{}乘以{}等于多少？', ['37|12', '128|64', '7|8', '25|4', '99|99']],
    ['解方程{}', ['x^2-5x+6=0', '2x+3=11', '3y-7=8', 'x+5=12']],
    ['{}今天天气怎么样？', ['北京', '上海', '广州', '东京', '纽约', '你那里', '明天']],
    ['现在{}的气温是多少？', ['深圳', '成都', '巴黎', '伦敦', '哈尔滨']],
    ['把“{}”翻译成{}', ['早上好|英文', '谢谢|日语', '我爱你|法语', '多少钱|德语', 'good night|中文']],
    ['解释一下{}', ['量子力学', '光合作用', '相对论', '通货膨胀', '区块链', '黑洞', '疫苗的原理']],
    ['推荐一{}', ['部电影', '本好书', '家餐厅', '台笔记本电脑', '款手机', '部电视剧']],
    ['{}怎么做？', ['红烧肉', '番茄炒蛋', '饺子', '麻婆豆腐', '蛋糕', '米饭']],
    ['{}有多高？', ['珠穆朗玛峰', '埃菲尔铁塔', '东方明珠', '长颈鹿', '上海中心大厦']],
    ['讲个{}', ['笑话', '冷笑话', '故事', '谜语', '有趣的事']],
    ['你喜欢{}吗？', ['音乐', '足球', '火锅', '猫', '看电影', '读书']],
    ['你最喜欢的{}是什么？', ['食物', '颜色', '歌', '动物', '城市']],
    ['手机上怎么下载{}？', ['音乐', '抖音', '微信', '王者荣耀', '电子书']],
    ['怎么安装{}？', ['Windows 11', 'Python', '打印机驱动', 'Photoshop', '微信电脑版']],
    ['给我一些关于{}的建议', ['减肥', '面试', '头疼', '理财', '学吉他', '失眠']],
    ['总结一下{}', ['三国演义', '第二次世界大战', '这篇文章', '今天的新闻', '唐朝的历史']],
    ['{}是哪一年？', ['柏林墙倒塌', '人类登月', '泰坦尼克号沉没', '新中国成立']],
    ['帮我规划一个{}', ['去云南的旅行', '生日派对', '健身计划', '一周的菜单', '学习计划']],
    ['{}有多少？', ['中国的人口', '太阳系的行星', '人体的骨头', '一年的天数']],
    ['{}', ['天空为什么是蓝色的？', '现在几点了？', '1+1等于几', '美国总统是谁', '什么是爱情', '唱首歌给我听', '帮我做作业', '帮我改一下代码', '最好的编程语言是什么', '月亮离地球多远', '晚饭吃什么好', '写一篇关于环保的作文', '100美元是多少人民币', '光速是多少', '画一只猫', '爱因斯坦是谁', '外星人存在吗', '茅台股价多少', '你会做梦吗', '你怎么看政治', '240的15%是多少', '生成一个随机密码', '我的手机屏幕碎了怎么修', '哪款手机拍照最好', '手机电池怎么更耐用', '从不明网站下载应用安全吗', '哪个浏览器最好', '你好，今天天气怎么样？']],
  ],
};

/**
 * Follow-ups that only make sense after an earlier turn: after a question on one of `after`, the
 * follow-up is answered as `topic`. `repeat` and `translate` (below) refer to whatever came before.
 */
export const FOLLOW_UPS: { after: string[]; topic: string; en: string[]; zh: string[] }[] = [
  { after: ['download-model', 'which-model'], topic: 'download-time', en: ['and how long does it take?', 'How big is it?', 'how long will that take', 'is it a big download?', 'how long does the download take?', 'how many GB is that?', 'is the file huge?', 'will it take ages to download?', 'roughly how many minutes?', 'how much data will that use?', 'how large is the download', 'does that take long on mobile data?', 'what size is the file?', 'how long on wifi?', 'is that a quick download?', 'and the size?'], zh: ['要多久？', '那有多大？', '下载要多长时间', '文件大吗', '下载要多久啊', '大概几个G？', '文件有多大', '要下很久吗', '会用掉多少流量？', '用wifi要多久', '下载包大吗', '几分钟能下完吗', '那个模型多大', '要下多长时间呀', '流量够吗，多大的文件', '大小呢？'] },
  { after: ['download-model', 'download-time'], topic: 'download-control', en: ['can I pause it?', 'What if the connection drops halfway?', 'and if I want to cancel?', 'can i stop it and continue later', 'what if my wifi cuts out during it?', 'is there a pause button?', 'is cancelling possible if I change my mind?', 'will it resume if the app closes?', 'what if I lose signal while it downloads?', 'can I pause now and resume tomorrow?', 'how do I stop it?', 'and if it gets interrupted?', 'can i call it off midway', 'is it possible to pause that?', 'what if the download breaks off?'], zh: ['能暂停吗？', '下到一半断网了呢', '想取消怎么办', '可以先停下以后再继续吗', '下一半能停下来吗', '断网了会怎么样', '有暂停按钮吗', '不想下了能取消吗', '关掉应用还能接着下吗', '信号不好下断了怎么办', '能明天再接着下吗', '怎么停下来', '下到一半中断了呢', '中途可以取消吗', '下载断了要重新下吗'] },
  { after: ['download-model', 'which-model', 'download-control'], topic: 'switch-model', en: ['ok, and then how do I use it?', 'Once it is downloaded, how do I chat with it?', 'and after that?', 'then how do I switch to it?', 'how do I make it answer instead of the demo?', 'how do i select it after downloading', 'what do I tap when it is done?', 'how do I use the new one?', 'and then what?', 'after downloading, how do I pick it?', 'how do I talk to it then?'], zh: ['下载完怎么用？', '下好以后怎么跟它聊天', '然后呢？', '下好之后怎么切换过去', '然后怎么用它聊天', '下完以后点哪里', '怎么让它代替演示模型回答', '下载完了怎么选它', '接下来呢', '怎么用新的模型', '下好了怎么开始', '之后怎么换过去'] },
  { after: ['download-model', 'which-model', 'switch-model', 'storage'], topic: 'delete-model', en: ['and how do I remove it later?', 'how do i get rid of it again', 'can I delete it afterwards?', 'can I uninstall it later?', 'how do I free that space again afterwards?', 'and if I no longer want it?', 'how would I delete it when I am done?', 'is it easy to remove afterwards?', 'can I remove it if it is too big?', 'how do I take it off my phone later', 'and to delete it again?'], zh: ['以后怎么删掉？', '不要了怎么删除', '之后能删掉吗', '以后能卸载吗', '用完怎么删除', '太占地方了能删掉吗', '删掉麻烦吗', '之后怎么移除', '怎么从手机上删了它', '那删除呢', '不用了能删吗'] },
  { after: ['out-of-scope'], topic: 'who-are-you', en: ['why not?', "why can't you answer?", 'But why?', 'how come?', "what do you mean you can't?", "why don't you know that?", 'seriously, why not?', 'why is that?', 'so what are you then?', 'why are you so limited?', 'huh, why?', "why won't you answer"], zh: ['为什么不行？', '为什么回答不了', '为啥', '为什么呀', '怎么回答不了', '为啥不知道', '你为什么这么弱', '那你是什么', '为什么不能回答', '凭什么不行', '怎么会这样', '什么意思，为什么'] },
];

export const REPEAT = { en: ['say that again', 'Can you repeat that?', 'sorry, what did you say?', 'again please', 'repeat that please', 'what was that?', 'once more?', 'come again?', 'pardon?', 'I missed that, again?', 'say it one more time', 'could you repeat your answer?', 'repeat', 'tell me again', 'I did not catch that', 'one more time please', 'huh? again'], zh: ['再说一遍', '能重复一下吗', '你刚才说什么？', '没看清，再说一次', '再讲一遍', '重复一下', '没听清', '你说啥？', '再说一次吧', '刚才说的什么', '再来一遍', '没看懂，重说一下', '麻烦再说一次', '请重复一遍', '再说下', '没看明白，再讲讲', '再重复一次'] };
export const TRANSLATE = { en: ['in English please', 'Can you say that in English?', 'english?', 'English please', 'say it in English', 'can you answer in English?', 'I do not read Chinese, English?', 'translate that to English', 'English version please', 'reply in English', 'could you write that in English', 'english pls', 'how do you say that in English?', 'switch to English for me'], zh: ['用中文说', '请用中文回答', '中文呢？', '说中文', '翻译成中文', '能用中文回答吗', '请说中文', '用中文再说一遍', '我看不懂英文，说中文', '中文版呢', '换成中文', '用汉语说', '麻烦用中文'] };

/** Sentence frames shared by every topic and the out-of-scope class, so the frame says nothing about the topic: `{}` is a core (below). */
export const FRAMES = {
  do: {
    en: ['How do I {}?', 'how can i {}', 'How to {}?', 'Can I {}?', 'I want to {}.', 'Is it possible to {}?', 'What is the way to {}?', 'Help me {}', 'how would I {}', 'Tell me how to {}.', 'Where do I go to {}?', 'is there a way to {}', 'Steps to {}?', 'I need to {}, how?', 'Could you explain how to {}?', 'What should I do to {}?', 'Is there any way I can {}?', 'Any idea how to {}?', 'Would you tell me how to {}, please?', 'I would like to {}. What do I tap?', 'can u tell me how 2 {}', 'I am trying to {} but I do not know how.', 'Where is the option to {}?', 'What button do I press to {}?', 'Please, how do you {} here?', 'Do you know how to {}?', 'I wanna {}', 'Is it hard to {}?', 'How can one {} in GLM Pocket?', 'Can you show me how to {}?'],
    zh: ['怎么{}？', '如何{}', '我想{}，怎么弄？', '能不能{}？', '{}的方法是什么', '教我{}', '请问怎样{}', '要{}该怎么做', '可以{}吗', '{}要怎么操作', '我该怎么{}？', '有办法{}吗', '想{}，点哪里？', '请告诉我怎么{}', '{}的话要怎么弄', '不会{}，求教', '哪里可以{}', '怎样才能{}', '求问怎么{}', '你知道怎么{}吗'],
  },
  what: {
    en: ['What is {}?', 'what does {} mean', 'Explain {}.', 'Tell me about {}', '{}?', 'What is {} for?', 'Can you explain {}?', 'how does {} work', 'I do not understand {}', 'What does {} do?', 'Could you tell me about {}?', 'question about {}', 'what about {}', 'I have a question about {}.', 'help with {}', 'Can you say something about {}?', 'I am confused about {}', 'info on {} please', 'What should I know about {}?', 'what is the deal with {}', 'tell me more about {}', '{} - how does that work?', 'Please explain {} to me.'],
    zh: ['{}是什么？', '什么是{}', '{}是什么意思', '解释一下{}', '{}有什么用', '{}是干嘛的', '说说{}', '{}？', '关于{}的问题', '{}怎么回事', '想了解一下{}', '介绍一下{}', '{}是怎么回事？', '问一下{}', '我不太懂{}', '{}呢', '讲讲{}吧', '{}怎么理解'],
  },
};

/** Cores for FRAMES: what a question is about, each a family; "do" cores are actions, "what" cores things. */
export const CORES: Record<string, { kind: 'do' | 'what'; en: string[]; zh: string[] }> = {
  'what-is': { kind: 'what', en: ['GLM Pocket', 'this app', 'this website', 'the GLM Pocket app'], zh: ['GLM Pocket', '这个应用', '这个网站', '这个 app'] },
  install: { kind: 'do', en: ['install GLM Pocket', 'install the app on my phone', 'add the app to my home screen', 'put GLM Pocket on my iPhone', 'install it on Android', 'get the app on my laptop', 'set the app up on my tablet'], zh: ['安装 GLM Pocket', '把应用装到手机上', '添加到主屏幕', '在 iPhone 上安装', '在安卓上安装', '在电脑上安装这个应用'] },
  offline: { kind: 'do', en: ['use it offline', 'chat without internet', 'use GLM Pocket in airplane mode', 'use the app with no connection', 'run it without wifi'], zh: ['离线使用', '没网的时候用', '在飞行模式下用', '不联网使用', '断网聊天'] },
  'download-model': { kind: 'do', en: ['download a GLM model', 'get a better model', 'download GLM-Edge', 'add a real model', 'get GLM-4 9B', 'install a bigger model'], zh: ['下载 GLM 模型', '获取更好的模型', '下载 GLM-Edge', '添加真正的模型', '装一个更大的模型'] },
  'which-model': { kind: 'what', en: ['the best model for my phone', 'the recommended model', 'the difference between GLM-Edge and GLM-4', 'the right model for a laptop'], zh: ['最适合手机的模型', '推荐的模型', 'GLM-Edge 和 GLM-4 的区别', '适合电脑的模型'] },
  'download-control': { kind: 'do', en: ['pause a download', 'cancel a download', 'resume a download', 'stop downloading a model', 'see the download progress'], zh: ['暂停下载', '取消下载', '继续下载', '停止下载模型', '查看下载进度'] },
  'download-time': { kind: 'what', en: ['the download size', 'the size of a model', 'the download time'], zh: ['模型的大小', '下载时间', '下载需要的流量'] },
  'switch-model': { kind: 'do', en: ['switch models', 'change the model', 'use the model I downloaded', 'go back to the demo model', 'pick another model'], zh: ['切换模型', '换模型', '用下载好的模型', '换回演示模型', '选别的模型'] },
  'delete-model': { kind: 'do', en: ['delete a model', 'remove a downloaded model', 'uninstall a model', 'get rid of a model', 'erase a model'], zh: ['删除模型', '删掉下载的模型', '卸载模型', '移除模型'] },
  storage: { kind: 'do', en: ['free up storage', 'fix a full storage', 'see how much space the app uses', 'make room for a model'], zh: ['释放存储空间', '解决存储空间不足', '查看应用占了多少空间', '腾出空间放模型'] },
  'new-chat': { kind: 'do', en: ['start a new chat', 'begin a fresh conversation', 'open a new conversation', 'start over'], zh: ['开始新对话', '新建聊天', '开一个新的对话', '重新开始聊天'] },
  conversations: { kind: 'do', en: ['find my old chats', 'rename a conversation', 'delete a conversation', 'see my chat history', 'open the conversation list'], zh: ['找到以前的对话', '重命名对话', '删除对话', '查看聊天记录', '打开对话列表'] },
  'export-import': { kind: 'do', en: ['export my conversations', 'back up my chats', 'import conversations', 'move my chats to another device', 'save my chats as a file'], zh: ['导出对话', '备份聊天记录', '导入对话', '把对话转到另一台设备', '把聊天存成文件'] },
  'clear-data': { kind: 'do', en: ['clear all data', 'reset the app', 'wipe everything', 'delete all my data'], zh: ['清除所有数据', '重置应用', '清空全部内容', '删除所有数据'] },
  theme: { kind: 'do', en: ['turn on dark mode', 'change the theme', 'switch to light mode', 'make the screen darker'], zh: ['打开深色模式', '换主题', '切换到浅色模式', '把界面调暗'] },
  language: { kind: 'do', en: ['change the language', 'switch the app to Chinese', 'switch the app to English', 'set the language'], zh: ['换语言', '把界面改成中文', '切换成英文', '设置语言'] },
  'context-length': { kind: 'what', en: ['the context length', 'the context window', 'the context setting', 'how much the model remembers'], zh: ['上下文长度', '上下文窗口', '上下文设置'] },
  temperature: { kind: 'what', en: ['temperature', 'the temperature setting', 'temp', 'the temperature slider'], zh: ['温度', '温度参数', '温度设置'] },
  'system-prompt': { kind: 'what', en: ['the system prompt', 'a system message', 'the chat settings', 'the system instruction'], zh: ['系统提示词', '系统消息', '对话设置'] },
  'top-p': { kind: 'what', en: ['top-p', 'top p', 'the top-p setting', 'nucleus sampling'], zh: ['top-p', 'Top-p 参数', '核采样'] },
  'max-tokens': { kind: 'what', en: ['max tokens', 'the max tokens setting', 'the reply length limit', 'maximum tokens'], zh: ['最大 token 数', '最大长度', '回答长度限制'] },
  memory: { kind: 'what', en: ['the memory budget', 'memory use', 'the RAM needed', 'the memory limit'], zh: ['内存预算', '内存占用', '需要的内存'] },
  backend: { kind: 'what', en: ['WebGPU', 'the backend', 'the GPU backend', 'WebAssembly'], zh: ['WebGPU', '后端', 'GPU 加速'] },
  update: { kind: 'do', en: ['update the app', 'get the latest version', 'install the update'], zh: ['更新应用', '升级到最新版', '安装更新'] },
  // Some share a word with a topic above ("download music", "reset my router", "the temperature of the sun").
  'out-of-scope': { kind: 'do', en: ['bake a cake', 'learn French', 'fix my bike', 'lose weight', 'write a novel', 'change a car tire', 'grow tomatoes', 'tie a tie', 'get rich', 'learn to swim', 'make friends', 'file my taxes', 'train my dog', 'sort a list in Python', 'build a website', 'download music', 'install Windows', 'delete my Facebook account', 'reset my router', 'change my phone wallpaper'], zh: ['做蛋糕', '学法语', '修自行车', '减肥', '写小说', '换轮胎', '种番茄', '打领带', '赚钱', '学游泳', '交朋友', '报税', '训练小狗', '做网站', '下载音乐', '安装 Windows', '注销微博账号', '重置路由器', '换手机壁纸'] },
  'out-of-scope-what': { kind: 'what', en: ['gravity', 'the stock market', 'democracy', 'DNA', 'a black hole', 'machine learning', 'the speed of sound', 'the French Revolution', 'jazz', 'a mortgage', 'the temperature of the sun', 'a neural network'], zh: ['万有引力', '股市', '民主', 'DNA', '黑洞', '机器学习', '声速', '法国大革命', '爵士乐', '房贷', '太阳的温度', '神经网络'] },
};
