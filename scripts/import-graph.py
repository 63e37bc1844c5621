#!/usr/bin/env python3
"""The app crate's import graph between its modules (one file = one module): prints the circles
(strongly connected groups of two or more modules) and the imports of another feature's
`service`, `repo` or `pages`. Exits 1 if there is either. `--edges` prints every edge."""
import os, re, sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "app", "src")
FEATURE_PRIVATE = ("service", "repo", "pages", "work", "setup")
# Where the app is put together: they may name any feature's pages (routes) or set-up (demo data).
ROOTS = ("routes", "demo")

def modules():
    mods = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), ROOT)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel == ["lib"]:
                rel = []
            mods[tuple(rel)] = os.path.join(dirpath, f)
    return mods

def strip(src):
    src = re.sub(r"//[^\n]*", "", src)
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    return re.sub(r'"(\\.|[^"\\])*"', '""', src)

def expand(tree):
    """`a::{b, c::{d}}` -> [a::b, a::c::d]"""
    tree = tree.strip()
    out, depth, start, i = [], 0, 0, 0
    m = re.match(r"^([\w:]*?)(::)?\{(.*)\}$", tree, re.S)
    if m:
        prefix = m.group(1)
        inner = m.group(3)
        parts, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "{": depth += 1
            if ch == "}": depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur); cur = ""
            else:
                cur += ch
        parts.append(cur)
        for p in parts:
            if p.strip():
                for e in expand(p):
                    out.append(prefix + ("::" if prefix and e else "") + e if e != "self" else prefix)
        return out
    return [re.split(r"\s+as\s+", tree)[0].strip()]

def paths(src, me, children=()):
    found = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)\b[^;]*);", src, re.S):
        found += expand(m.group(1))
    found += re.findall(r"\b((?:crate|super)(?:::\w+)+)", src)
    # In lib.rs and mod.rs, a bare `child::item` names a child module.
    for c in children:
        found += ["self::" + p for p in re.findall(rf"(?<![\w:])({c}(?:::\w+)+)", src)]
    out = []
    for p in found:
        segs = [s for s in p.split("::") if s]
        base = list(me)
        if segs and segs[0] == "crate":
            base, segs = [], segs[1:]
        else:
            while segs and segs[0] in ("super", "self"):
                if segs[0] == "super":
                    base = base[:-1]
                segs = segs[1:]
        out.append(tuple(base + segs))
    return out

def resolve(path, mods):
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in mods:
            return tuple(path[:n])
    return ()

def main():
    mods = modules()
    edges = {m: set() for m in mods}
    for m, f in mods.items():
        src = strip(open(f).read())
        # Inside a file's own `mod tests { … }`, `super` is the file's module.
        t = src.find("mod tests {")
        if t >= 0:
            src = src[:t] + re.sub(r"\bsuper::", "self::", src[t:])
        kids = [k[-1] for k in mods if len(k) == len(m) + 1 and k[:len(m)] == m] if f.endswith(("mod.rs", "lib.rs")) else []
        found = paths(src, m, kids)
        # A module brought in by `use` (`use crate::{civil, queue::pages};`) and then named by
        # its last segment (`civil::pages::DossierPage`).
        for p in list(found):
            if p in mods and p:
                found += [p + tuple(q.split("::")[1:]) for q in re.findall(rf"(?<![\w:]){p[-1]}(?:::\w+)+", src)]
        for p in found:
            t = resolve(p, mods)
            if t != m:
                edges[m].add(t)
    name = lambda m: "/".join(m) or "lib"
    if "--edges" in sys.argv:
        for m in sorted(edges):
            for t in sorted(edges[m]):
                print(f"{name(m)} -> {name(t)}")
    # Tarjan
    index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                sccs.append(comp)
    for v in edges:
        if v not in index:
            strong(v)
    bad = 0
    for c in sccs:
        print("circle:", " <-> ".join(sorted(name(m) for m in c)))
        bad += 1
    for m in sorted(edges):
        for t in sorted(edges[m]):
            if m and m[0] not in ROOTS and len(t) >= 2 and t[0] != m[0] and t[-1] in FEATURE_PRIVATE:
                print(f"reaches into another feature: {name(m)} -> {name(t)}")
                bad += 1
    print(f"import graph: {len(mods)} modules, {sum(map(len, edges.values()))} edges, {len(sccs)} circles")
    sys.exit(1 if bad else 0)

main()
