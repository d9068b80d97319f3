#!/usr/bin/python3
"""The peer of Distillery's training step, written in PyTorch from Python as a user of Hugging Face-style code
would write it (Debian's python3-torch 1.13, the same libtorch): a BERT encoder read from the student's
model.safetensors, mean pooling, L2 normalisation, the default listwise loss (KL(teacher || student) over each
query's list, plus infoNceWeight x InfoNCE over the batch), AdamW with weight decay and gradient clipping.

It writes its own code, not Distillery's: separate query/key/value projections, one padded batch per side,
torch.nn.functional throughout. Used two ways:
  --time N            runs N optimiser steps (after one warm-up) and prints {"seconds_per_step": ...} as JSON
  --gradients FILE    one forward/backward without dropout; writes every parameter's gradient (safetensors)
The step file (JSON) is written by bench_train / test_train_reference: token ids of the queries and passages (special
tokens and prefixes applied) and each list's first row, teacher scores, positives and excluded rows."""
import argparse, json, math, struct, sys, time

import numpy
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {entry['dtype']}; this reference reads F32 only")
        begin, end = entry["data_offsets"]
        values = numpy.frombuffer(data[begin:end], dtype=numpy.float32).copy()
        tensors[name[5:] if name.startswith("bert.") else name] = torch.from_numpy(values).view(entry["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


class Bert:
    def __init__(self, directory):
        self.config = json.load(open(f"{directory}/config.json"))
        self.params = {n: t.requires_grad_(True) for n, t in read_safetensors(f"{directory}/model.safetensors").items()
                       if not n.startswith("pooler.") and n != "embeddings.position_ids"}
        self.hidden = self.config["hidden_size"]
        self.heads = self.config["num_attention_heads"]
        self.eps = self.config.get("layer_norm_eps", 1e-12)
        self.hidden_dropout = self.config.get("hidden_dropout_prob", 0.1)
        self.attention_dropout = self.config.get("attention_probs_dropout_prob", 0.1)

    def embed(self, rows, dropout):
        p, d = self.params, self.hidden
        length = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), length, dtype=torch.long)
        mask = torch.zeros(len(rows), length)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:length] + \
            p["embeddings.token_type_embeddings.weight"][0]
        x = F.layer_norm(x, (d,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], self.eps)
        x = F.dropout(x, self.hidden_dropout, dropout)
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        head = d // self.heads
        for i in range(self.config["num_hidden_layers"]):
            w = lambda n: p[f"encoder.layer.{i}.{n}"]
            split = lambda t: t.view(len(rows), length, self.heads, head).transpose(1, 2)
            q = split(F.linear(x, w("attention.self.query.weight"), w("attention.self.query.bias")))
            k = split(F.linear(x, w("attention.self.key.weight"), w("attention.self.key.bias")))
            v = split(F.linear(x, w("attention.self.value.weight"), w("attention.self.value.bias")))
            scores = q @ k.transpose(-1, -2) / math.sqrt(head) + bias
            probs = F.dropout(torch.softmax(scores, -1), self.attention_dropout, dropout)
            context = (probs @ v).transpose(1, 2).reshape(len(rows), length, d)
            attended = F.dropout(F.linear(context, w("attention.output.dense.weight"), w("attention.output.dense.bias")),
                                 self.hidden_dropout, dropout)
            x = F.layer_norm(attended + x, (d,), w("attention.output.LayerNorm.weight"),
                             w("attention.output.LayerNorm.bias"), self.eps)
            inner = F.gelu(F.linear(x, w("intermediate.dense.weight"), w("intermediate.dense.bias")))
            out = F.dropout(F.linear(inner, w("output.dense.weight"), w("output.dense.bias")), self.hidden_dropout, dropout)
            x = F.layer_norm(out + x, (d,), w("output.LayerNorm.weight"), w("output.LayerNorm.bias"), self.eps)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp_min(1.0)
        return F.normalize(pooled, p=2, dim=1)


def loss_of(step, queries, passages):
    lists, kl = step["lists"], []
    for e, layout in enumerate(lists):
        rows = len(layout["teacher_scores"])
        if rows < 2:
            continue
        teacher = torch.tensor(layout["teacher_scores"], dtype=torch.float32) / step["max_grade"] / step["teacher_temperature"]
        target = torch.softmax(teacher, 0)
        scores = passages[layout["first_row"]:layout["first_row"] + rows] @ queries[e]
        log_student = torch.log_softmax(scores / step["student_temperature"], 0)
        kl.append((target * (torch.log(target + 1e-12) - log_student)).sum())
    loss = torch.stack(kl).mean()
    if step["info_nce_weight"] > 0:
        query_rows, targets, masks = [], [], []
        for e, layout in enumerate(lists):
            first, positive, excluded = layout["first_row"], layout["positive"], layout["excluded"]
            for j, is_positive in enumerate(positive):
                if not is_positive:
                    continue
                mask = torch.zeros(passages.size(0))
                for other in range(len(positive)):
                    if other != j and (positive[other] or excluded[other]):
                        mask[first + other] = -1e9
                query_rows.append(e)
                targets.append(first + j)
                masks.append(mask)
        if query_rows:
            logits = queries[query_rows] @ passages.t() / step["info_nce_temperature"] + torch.stack(masks)
            loss = loss + step["info_nce_weight"] * F.cross_entropy(logits, torch.tensor(targets))
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--step", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--time", type=int, default=0)
    parser.add_argument("--gradients")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, step = Bert(args.model), json.load(open(args.step))
    if args.gradients:
        loss = loss_of(step, model.embed(step["queries"], False), model.embed(step["passages"], False))
        loss.backward()
        write_safetensors(args.gradients, {n: t.grad if t.grad is not None else torch.zeros_like(t)
                                           for n, t in model.params.items()})
        print(json.dumps({"loss": loss.item()}))
        return
    optimizer = torch.optim.AdamW(list(model.params.values()), lr=step.get("learning_rate", 2e-5), weight_decay=0.01)
    times = []
    for i in range(args.time + 1):
        start = time.perf_counter()
        loss = loss_of(step, model.embed(step["queries"], True), model.embed(step["passages"], True))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(model.params.values()), 1.0)
        optimizer.step()
        if i > 0:
            times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({"seconds_per_step": times[len(times) // 2], "steps": len(times), "threads": args.threads}))


if __name__ == "__main__":
    main()
