# Demo model, step 2 of 3: train the tiny GLM chat model on the tokenized corpus and write it as a
# Hugging Face GLM checkpoint (model_type "glm", bf16 safetensors, tied embeddings, GLM-Edge shape).
# One-off tool (Debian's python3-torch: /usr/bin/python3 tools/demo/train.py). Trains on the corpus's
# training split only; every EVAL_EVERY steps it measures the held-out split (families training never
# sees) and writes the weights with the best held-out rate as soon as it finds them, stopping when
# PATIENCE checks bring nothing better (a run killed early leaves its best checkpoint); INIT continues
# from an earlier checkpoint. Counts steps, never seconds: the machine's other jobs may pause it. Records
# seed, corpus hash, steps and the held-out rate in models/glm-pocket-demo/training.json; LOG gets
# the progress lines too, PID_FILE the process id.
# The model code follows transformers' modeling_glm: RMSNorm, interleaved rotary, GQA, fused gate_up.
import json, math, os, random, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

MODEL_DIR = "models/glm-pocket-demo"
DATASET = "tools/demo/build/dataset.json"
SEED = 1234
STEPS = int(os.environ.get("STEPS", "800"))
EVAL_EVERY = int(os.environ.get("EVAL_EVERY", "100"))
PATIENCE = int(os.environ.get("PATIENCE", "4"))
BATCH = int(os.environ.get("BATCH", "64"))
LOG = os.environ.get("LOG", "tools/demo/build/train.log")
PID_FILE = os.environ.get("PID_FILE")
LR = float(os.environ.get("LR", "3e-3"))
WEIGHT_DECAY = float(os.environ.get("WEIGHT_DECAY", "0.1"))
INIT = os.environ.get("INIT")  # a model.safetensors of this shape to continue training from
FIRST_TOKEN_WEIGHT = float(os.environ.get("FIRST_TOKEN_WEIGHT", "4"))  # the reply's first tokens, to the one that decides which answer follows, weigh this; the rest recites it
# The share of batches cut short: which answer to give is what must generalise, and short batches teach
# it at a third of the cost; the others keep the whole replies recited. A short reply keeps at least
# SHORT_REPLY_TOKENS tokens and always the token where it parts from every other answer ("Open the
# Models page, pick" against "Open the Models page and tap Delete"), so the choice is taught whole.
SHORT_BATCHES, SHORT_REPLY_TOKENS = float(os.environ.get("SHORT_BATCHES", "0.75")), int(os.environ.get("SHORT_REPLY_TOKENS", "4"))
DROPOUT = float(os.environ.get("DROPOUT", "0.1"))
# The share of training questions whose tokens are perturbed each time they are drawn: each token dropped
# with probability DROP or replaced by a noise token (one that only out-of-scope questions about general
# words use) with probability SWAP. No single token then decides a reply; the words about the app do.
AUGMENT, SWAP, DROP = float(os.environ.get("AUGMENT", "0.5")), float(os.environ.get("SWAP", "0.1")), float(os.environ.get("DROP", "0.05"))
DIMS = dict(hidden=int(os.environ.get("HIDDEN", "192")), layers=int(os.environ.get("LAYERS", "4")), heads=4, kv_heads=2,
            intermediate=int(os.environ.get("INTERMEDIATE", "576")), rope_theta=10000.0, eps=1e-5)


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_interleaved(x, cos, sin):
    # x [B, heads, T, D]; pairs (x[2i], x[2i+1]) turn by angle i.
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x1 * cos + x0 * sin), dim=-1).flatten(-2)


class Layer(nn.Module):
    def __init__(self, d):
        super().__init__()
        h, hd = d["hidden"], d["hidden"] // d["heads"]
        self.heads, self.kv_heads, self.head_dim = d["heads"], d["kv_heads"], hd
        self.input_layernorm = RMSNorm(h, d["eps"])
        self.q_proj = nn.Linear(h, d["heads"] * hd, bias=False)
        self.k_proj = nn.Linear(h, d["kv_heads"] * hd, bias=False)
        self.v_proj = nn.Linear(h, d["kv_heads"] * hd, bias=False)
        self.o_proj = nn.Linear(d["heads"] * hd, h, bias=False)
        self.post_attention_layernorm = RMSNorm(h, d["eps"])
        self.gate_up_proj = nn.Linear(h, 2 * d["intermediate"], bias=False)
        self.down_proj = nn.Linear(d["intermediate"], h, bias=False)
        self.dropout = nn.Dropout(DROPOUT)  # training only: the checkpoint has no dropout

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        n = self.input_layernorm(x)
        q = self.q_proj(n).view(B, T, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(n).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(n).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rotate_interleaved(q, cos, sin), rotate_interleaved(k, cos, sin)
        groups = self.heads // self.kv_heads
        k, v = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, -1)
        x = x + self.dropout(self.o_proj(context))
        gate, up = self.gate_up_proj(self.post_attention_layernorm(x)).chunk(2, dim=-1)
        return x + self.dropout(self.down_proj(F.silu(gate) * up))


class GlmDemo(nn.Module):
    def __init__(self, d, vocab):
        super().__init__()
        self.d = d
        self.embed_tokens = nn.Embedding(vocab, d["hidden"])
        self.layers = nn.ModuleList(Layer(d) for _ in range(d["layers"]))
        self.norm = RMSNorm(d["hidden"], d["eps"])
        hd = d["hidden"] // d["heads"]
        self.register_buffer("inv_freq", 1.0 / (d["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd)), persistent=False)

    def forward(self, ids):
        T = ids.shape[1]
        angles = torch.arange(T).float()[:, None] * self.inv_freq[None, :]
        cos, sin = angles.cos(), angles.sin()
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.norm(x) @ self.embed_tokens.weight.T  # tied lm_head


def hf_params(model):
    """The model's parameters under their Hugging Face GLM names."""
    out = {"model.embed_tokens.weight": model.embed_tokens.weight, "model.norm.weight": model.norm.weight}
    for i, l in enumerate(model.layers):
        p = f"model.layers.{i}."
        out[p + "input_layernorm.weight"] = l.input_layernorm.weight
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            out[p + f"self_attn.{name}.weight"] = getattr(l, name).weight
        out[p + "post_attention_layernorm.weight"] = l.post_attention_layernorm.weight
        out[p + "mlp.gate_up_proj.weight"] = l.gate_up_proj.weight
        out[p + "mlp.down_proj.weight"] = l.down_proj.weight
    return out


# The saved checkpoint's final norm weight is multiplied by LOGIT_SCALE (a power of two: exact in bf16), which
# multiplies every logit by it: the most likely token stays the same, and the app's sampling (temperature
# 0.7 by default) picks it far more often. Many answers open alike ("Open the Models page, ...", "Open
# Settings ...") and differ a few tokens in, where the trained distribution is not sharp enough to sample.
LOGIT_SCALE = float(os.environ.get("LOGIT_SCALE", "8"))


def hf_state(model):
    scaled = lambda k, v: v * LOGIT_SCALE if k == "model.norm.weight" else v
    return {k: scaled(k, v.detach()).to(torch.bfloat16).contiguous() for k, v in hf_params(model).items()}


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    raw = open(path, "rb").read()
    size = struct.unpack("<Q", raw[:8])[0]
    header, base = json.loads(raw[8 : 8 + size]), 8 + size
    out = {}
    for name, t in header.items():
        if name != "__metadata__":
            start, end = t["data_offsets"]
            out[name] = torch.frombuffer(bytearray(raw[base + start : base + end]), dtype=torch.int16).view(torch.bfloat16).float().reshape(t["shape"])
    return out


def load_hf_state(model, path, logit_scale=1.0):
    """Loads a checkpoint this script wrote; `logit_scale` is the one it was saved with, undone here."""
    tensors = read_safetensors(path)
    with torch.no_grad():
        for name, p in hf_params(model).items():
            p.copy_(tensors[name] / logit_scale if name == "model.norm.weight" else tensors[name])


def deciding_lengths(samples):
    """For each distinct reply (its tokens, eos included), how many of its first tokens tell it apart
    from every other reply: the length of its shortest prefix no other reply starts with."""
    replies = {tuple(s["ids"][s["replyStart"] :]) for s in samples}
    out = {}
    for r in replies:
        k = 1
        while k < len(r) and any(o != r and o[:k] == r[:k] for o in replies):
            k += 1
        out[r] = k
    return out


def batch(picked, pad_id, deciding=None, short=False):
    """A padded batch and its loss weights. With `deciding` (deciding_lengths), the tokens up to the one
    that decides the reply weigh FIRST_TOKEN_WEIGHT (else only the first does); `short` cuts each reply
    after SHORT_REPLY_TOKENS tokens or its deciding token, whichever comes later."""
    decide = [deciding[tuple(s["ids"][s["replyStart"] :])] if deciding else 1 for s in picked]
    if short:
        picked = [{**s, "ids": s["ids"][: s["replyStart"] + max(SHORT_REPLY_TOKENS, k)]} for s, k in zip(picked, decide)]
    T = max(len(s["ids"]) for s in picked)
    ids = torch.full((len(picked), T), pad_id, dtype=torch.long)
    weight = torch.zeros(len(picked), T - 1)
    for b, (s, k) in enumerate(zip(picked, decide)):
        ids[b, : len(s["ids"])] = torch.tensor(s["ids"])
        weight[b, s["replyStart"] - 1 : len(s["ids"]) - 1] = 1.0  # predict the reply and its eos
        weight[b, s["replyStart"] - 1 : s["replyStart"] - 1 + k] = FIRST_TOKEN_WEIGHT
    return ids, weight


def question_span(s, user_id, assistant_id):
    """Where the last user message's text lies in a sample: after its <|user|> and newline, before <|assistant|>."""
    ids = s["ids"]
    a = max(i for i in range(s["replyStart"]) if ids[i] == assistant_id)
    u = max(i for i in range(a) if ids[i] == user_id)
    return u + 2, a


def noise_tokens(samples, user_id, assistant_id):
    """Tokens of the general-word out-of-scope questions that no question about the app uses."""
    general, app = set(), set()
    for s in samples:
        start, end = question_span(s, user_id, assistant_id)
        if s["family"].startswith("general/"):
            general.update(s["ids"][start:end])
        elif s["topic"] != "out-of-scope":
            app.update(s["ids"][start:end])
    return sorted(general - app)


def perturbed(s, rng, noise, user_id, assistant_id):
    start, end = question_span(s, user_id, assistant_id)
    kept = []
    for t in s["ids"][start:end]:
        r = rng.random()
        if r >= DROP:
            kept.append(rng.choice(noise) if r < DROP + SWAP else t)
    if not kept:
        return s
    return {**s, "ids": s["ids"][:start] + kept + s["ids"][end:], "replyStart": s["replyStart"] - (end - start) + len(kept)}


def batches(samples, rng, pad_id, perturb=None):
    """Batches of similar lengths (shuffled, then sorted within windows of 16 batches): little padding."""
    deciding = deciding_lengths(samples)
    while True:
        order = samples[:]
        rng.shuffle(order)
        window = 16 * BATCH
        chunks = []
        for i in range(0, len(order) - window + 1, window):
            part = sorted(order[i : i + window], key=lambda s: len(s["ids"]))
            chunks += [part[j : j + BATCH] for j in range(0, window, BATCH)]
        rng.shuffle(chunks)
        for picked in chunks:
            if perturb:
                picked = [perturb(s) if rng.random() < AUGMENT else s for s in picked]
            yield batch(picked, pad_id, deciding, short=bool(SHORT_BATCHES) and rng.random() < SHORT_BATCHES)


def held_out_rate(model, samples, pad_id):
    """The share of samples whose whole reply greedy decoding reproduces: with the reply fed back
    (teacher forcing), the most likely token is the reply's own at every position, eos included."""
    model.eval()
    passed, by_topic = 0, {}
    with torch.no_grad():
        for i in range(0, len(samples), 64):
            chunk = samples[i : i + 64]
            ids, weight = batch(chunk, pad_id)
            right = (model(ids[:, :-1]).argmax(-1) == ids[:, 1:]) | (weight == 0)
            for s, ok in zip(chunk, right.all(-1).tolist()):
                passed += ok
                t = by_topic.setdefault(s["topic"], [0, 0])
                t[0], t[1] = t[0] + ok, t[1] + 1
    model.train()
    return passed / len(samples), by_topic


def say(line):
    print(line, flush=True)
    with open(LOG, "a") as f:
        f.write(line + "\n")


def save(model, data, record):
    """Writes the model as a Hugging Face GLM checkpoint, its training record, and PyTorch's logits of
    the saved (bf16) weights for the engine's cross-check (tests/fixtures/demo-reference-logits.json)."""
    vocab, specials = data["vocabSize"], data["specialIds"]
    os.makedirs(MODEL_DIR, exist_ok=True)
    write_safetensors(f"{MODEL_DIR}/model.safetensors", hf_state(model))
    eos = [specials["<|endoftext|>"], specials["<|user|>"], specials["<|observation|>"]]
    config = {
        "architectures": ["GlmForCausalLM"], "model_type": "glm", "vocab_size": vocab,
        "hidden_size": DIMS["hidden"], "intermediate_size": DIMS["intermediate"], "num_hidden_layers": DIMS["layers"],
        "num_attention_heads": DIMS["heads"], "num_key_value_heads": DIMS["kv_heads"], "head_dim": DIMS["hidden"] // DIMS["heads"],
        "partial_rotary_factor": 1.0, "rope_theta": DIMS["rope_theta"], "rms_norm_eps": DIMS["eps"],
        "attention_bias": False, "tie_word_embeddings": True, "max_position_embeddings": 1024, "hidden_act": "silu",
        "pad_token_id": specials["<|endoftext|>"], "eos_token_id": eos, "torch_dtype": "bfloat16",
    }
    json.dump(config, open(f"{MODEL_DIR}/config.json", "w"), indent=2)
    json.dump({"eos_token_id": eos, "pad_token_id": specials["<|endoftext|>"]}, open(f"{MODEL_DIR}/generation_config.json", "w"), indent=2)
    json.dump(record, open(f"{MODEL_DIR}/training.json", "w"), indent=2)
    rounded = GlmDemo(DIMS, vocab)
    rounded.eval()
    saved = hf_state(model)
    with torch.no_grad():
        for name, p in hf_params(rounded).items():
            p.copy_(saved[name].float())
        ids = data["samples"][0]["ids"][:12]
        logits = rounded(torch.tensor([ids]))[0]
    json.dump({"ids": ids, "logits": [[round(v, 5) for v in row] for row in logits.tolist()]}, open("tests/fixtures/demo-reference-logits.json", "w"))


def main():
    if PID_FILE:
        open(PID_FILE, "w").write(f"{os.getpid()}\n")
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    data = json.load(open(DATASET))
    vocab, specials = data["vocabSize"], data["specialIds"]
    model = GlmDemo(DIMS, vocab)
    for name, p in model.named_parameters():
        if p.dim() == 2:
            nn.init.normal_(p, std=0.02)
    # A continued run records the run it continued, so the record covers the whole training.
    before = json.load(open(os.path.join(os.path.dirname(INIT), "training.json"))) if INIT else None
    if INIT:
        load_hf_state(model, INIT, before.get("logit_scale", 1.0))
    if os.environ.get("RESCALE_ONLY") == "1":
        # Writes INIT again with this LOGIT_SCALE (and its reference logits): no training.
        model.eval()
        save(model, data, {**before, "logit_scale": LOGIT_SCALE})
        say(f"rewrote {INIT} as {MODEL_DIR} with logit scale {LOGIT_SCALE}")
        return
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY, betas=(0.9, 0.95))
    pad = specials["<|endoftext|>"]
    train = [s for s in data["samples"] if s["split"] == "train"]
    held = [s for s in data["samples"] if s["split"] == "heldout"]
    say(f"{params} parameters, {len(train)} training and {len(held)} held-out conversations, batch {BATCH}, {STEPS} steps")
    started, losses, checks, best = time.time(), [], [], (-1.0, 0)
    user_id, assistant_id = specials["<|user|>"], specials["<|assistant|>"]
    noise = noise_tokens(train, user_id, assistant_id)
    say(f"{len(noise)} noise tokens for perturbed questions")
    stream = batches(train, rng, pad, (lambda s: perturbed(s, rng, noise, user_id, assistant_id)) if AUGMENT and noise else None)
    for step in range(1, STEPS + 1):
        lr = LR * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for g in opt.param_groups:
            g["lr"] = lr
        ids, weight = next(stream)
        logits = model(ids[:, :-1])
        loss_all = F.cross_entropy(logits.reshape(-1, vocab), ids[:, 1:].reshape(-1), reduction="none")
        loss = (loss_all * weight.reshape(-1)).sum() / weight.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if step % 50 == 0 or step == 1:
            say(f"step {step}/{STEPS} loss {sum(losses[-50:]) / len(losses[-50:]):.4f} lr {lr:.5f} {time.time() - started:.0f}s")
        if step % EVAL_EVERY == 0 or step == STEPS:
            rate, by_topic = held_out_rate(model, held, pad)
            checks.append({"step": step, "held_out_rate": round(rate, 4)})
            weakest = sorted(by_topic.items(), key=lambda kv: kv[1][0] / kv[1][1])[:5]
            say(f"  held-out {rate * 100:.1f}% at step {step}; weakest {', '.join(f'{k} {v[0]}/{v[1]}' for k, v in weakest)}")
            if rate > best[0]:
                best = (rate, step)
                model.eval()
                save(model, data, {
                    "seed": SEED, "corpus_seed": data["corpusSeed"], "corpus_sha256": data["corpusSha256"],
                    "train_conversations": len(train), "held_out_conversations": len(held),
                    "held_out_rate": round(rate, 4), "held_out_rate_by_topic": {k: round(v[0] / v[1], 3) for k, v in sorted(by_topic.items())},
                    "kept_step": step, "steps_planned": STEPS, "checks": checks, "batch": BATCH, "learning_rate": LR, "weight_decay": WEIGHT_DECAY,
                    "dropout": DROPOUT, "train_loss_at_kept_step": round(sum(losses[-50:]) / len(losses[-50:]), 5), "parameters": params,
                    "train_seconds_to_kept_step": round(time.time() - started), "first_token_weight": FIRST_TOKEN_WEIGHT,
                    "short_batches": SHORT_BATCHES, "augment": AUGMENT, "swap": SWAP, "drop": DROP, "logit_scale": LOGIT_SCALE, "short_reply_tokens": SHORT_REPLY_TOKENS, "short_reply_cut": "deciding token", "weighted_tokens": "to the deciding token", "continued_from": before, "torch": torch.__version__,
                })
                model.train()
                say(f"  saved {MODEL_DIR} (step {step})")
            elif len(checks) - 1 - [c["step"] for c in checks].index(best[1]) >= PATIENCE:
                say(f"  no better held-out rate in {PATIENCE} checks: stopping, keeping step {best[1]}")
                break
    record = json.load(open(f"{MODEL_DIR}/training.json"))
    json.dump({**record, "checks": checks, "stopped_at_step": step}, open(f"{MODEL_DIR}/training.json", "w"), indent=2)
    say(f"done: {params} parameters, held-out rate {best[0] * 100:.1f}% (step {best[1]})")


if __name__ == "__main__":
    main()
