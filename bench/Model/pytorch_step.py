"""Times one training step (forward + backward + AdamW) of the same GPT-2-style model in PyTorch.

Same architecture as L402Train.Model: byte vocabulary, learned position embeddings, pre-LayerNorm
blocks with causal multi-head attention and a tanh-GELU MLP, final LayerNorm, LM head tied to the
token embedding, mean cross-entropy. Prints `step_ms=<mean milliseconds>`, `loss=<last loss>`,
`threads=<torch threads>` and `blas=<the BLAS library loaded into this process>` (read from
/proc/self/maps after a matrix product, so it names the library actually used, whatever the
libblas.so.3 alternative points to). With --forward-only it times the forward pass (no_grad) instead.
Thread counts come from the caller's environment (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) and --threads.

Install on Debian: apt-get install -y python3-torch   (then run with /usr/bin/python3)
Usage: python3 pytorch_step.py --config tiny --batch 8 --seq 64 --threads 2 --steps 10
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {"tiny": (256, 256, 4, 128, 4), "small": (256, 256, 6, 256, 4)}


class Block(nn.Module):
    def __init__(self, c, nh):
        super().__init__()
        self.nh = nh
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.attn_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q = q.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        k = k.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        v = v.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, v, max_t, layers, c, nh):
        super().__init__()
        self.wte = nn.Embedding(v, c)
        self.wpe = nn.Embedding(max_t, c)
        self.blocks = nn.ModuleList(Block(c, nh) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        # GPT-2 initialisation, as in L402Train.Model (residual projections scaled by 1/sqrt(2L)).
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, targets):
        t = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="tiny", choices=CONFIGS)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--forward-only", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Gpt(*CONFIGS[args.config])
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
    v = CONFIGS[args.config][0]
    idx = torch.randint(1, v, (args.batch, args.seq + 1))
    inputs, targets = idx[:, :-1].contiguous(), idx[:, 1:].contiguous()

    def forward():
        with torch.no_grad():
            return model(inputs, targets).item()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model(inputs, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    run = forward if args.forward_only else step
    run()  # warm-up (allocator, thread pool)
    run()
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(args.steps):
        loss = run()
    elapsed = time.perf_counter() - start
    cpu_elapsed = time.process_time() - cpu
    print(f"step_ms={elapsed * 1000 / args.steps:.3f}")
    # CPU time of the whole process (every thread): on a shared machine it is the cost without the waiting.
    print(f"step_cpu_ms={cpu_elapsed * 1000 / args.steps:.3f}")
    print(f"loss={loss:.4f}")
    print(f"threads={torch.get_num_threads()}")
    print(f"blas={loaded_blas()}")


def loaded_blas():
    """The BLAS shared object mapped into this process (libblas, openblas, mkl), resolved to its real path."""
    import os
    names = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if any(key in base for key in ("blas", "mkl_", "libmkl")):
                names.add(os.path.realpath(path))
    return ",".join(sorted(names)) or "none"


if __name__ == "__main__":
    main()
