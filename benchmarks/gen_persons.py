"""Vectorised generator of synthetic UK-like person records with known entity ids.
usage: gen_persons.py N_RECORDS OUT.parquet [seed] [--families F] [--transposed T]
Entities: ~30% have 1-3 duplicate records. Duplicates carry typos (adjacent char swap / char drop),
missing fields and changed postcodes (moved house), plus occasional dob errors (off by up to 40 days).

SOC Hub copy of ../../shared/bench/gen_persons.py, extended with two opt-in options (without them the
output is byte-for-byte the original's for the same seed: the extensions draw from a second generator):
  --families F    a share F of people (e.g. 0.15) join another person's household: they take that
                  person's surname and postcode. Of these, 10% also take the first name and gender
                  (a "junior": same name and address, different date of birth) and 5% the date of
                  birth (twins: same surname, address and birthday, different first name, unless
                  they are also a junior). These are different entities that look alike.
  --transposed T  a share T of the duplicates whose date of birth is wrong get day and month swapped
                  (when the day is 12 or less and differs from the month) instead of the day offset.
"""

import sys
import time

import numpy as np
import pandas as pd
from faker.providers.person.en_GB import Provider as P

t0 = time.perf_counter()
argv = sys.argv[1:]
opts = {}
for name in ("--families", "--transposed"):
    if name in argv:
        i = argv.index(name)
        opts[name] = float(argv[i + 1])
        del argv[i : i + 2]
N = int(argv[0])
out = argv[1]
seed = int(argv[2]) if len(argv) > 2 else 0
rng = np.random.default_rng(seed)
rng2 = np.random.default_rng([seed, 1])  # extensions only, so the original stream is unchanged
FAMILIES = opts.get("--families", 0.0)
TRANSPOSED = opts.get("--transposed", 0.0)


def zipf_w(n, s):
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


male = np.array(P.first_names_male)
female = np.array(P.first_names_female)
wm = zipf_w(len(male), 0.8)
wf = zipf_w(len(female), 0.8)
sn = np.array(list(P.last_names.keys()))
ws = np.array(list(P.last_names.values()), float)
ws = ws / ws.sum()  # faker en_GB carries real relative surname frequencies (Smith ~ highest)
AREAS = np.array(
    """
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK
FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW
OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA
WC WD WF WN WR WS WV YO ZE
""".split()  # noqa: SIM905
)
wa = zipf_w(len(AREAS), 0.5)
LET = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


def postcodes(n):
    a = AREAS[rng.choice(len(AREAS), n, p=wa)]
    d = rng.integers(1, 30, n).astype(str)
    s = rng.integers(0, 10, n).astype(str)
    u = LET[rng.integers(0, len(LET), n)].astype(object) + LET[rng.integers(0, len(LET), n)].astype(object)
    return a.astype(object) + d.astype(object) + " " + s.astype(object) + u


# ---- entities
n_ent = round(N / 1.6)  # 30% of entities have mean 2 dups -> 1.6 records/entity
while True:
    ndup = np.where(rng.random(n_ent) < 0.30, rng.integers(1, 4, n_ent), 0)
    tot = n_ent + ndup.sum()
    if abs(tot - N) / N < 0.02 or n_ent < 10:
        break
    n_ent = int(n_ent * N / tot)
gender = rng.integers(0, 2, n_ent)
fn = np.where(
    gender == 0, male[rng.choice(len(male), n_ent, p=wm)], female[rng.choice(len(female), n_ent, p=wf)]
).astype(object)
sur = sn[rng.choice(len(sn), n_ent, p=ws)].astype(object)
dob = np.datetime64("1940-01-01") + rng.integers(0, 365 * 66, n_ent).astype("timedelta64[D]")
pc = postcodes(n_ent)
n_fam = 0
if FAMILIES > 0:
    members = rng2.choice(n_ent, int(FAMILIES * n_ent), replace=False)
    heads = rng2.integers(0, n_ent, len(members))
    keep = members != heads
    members, heads = members[keep], heads[keep]
    sur[members] = sur[heads]
    pc[members] = pc[heads]
    jr = rng2.random(len(members)) < 0.10
    fn[members[jr]] = fn[heads[jr]]
    gender[members[jr]] = gender[heads[jr]]
    tw = rng2.random(len(members)) < 0.05
    dob[members[tw]] = dob[heads[tw]]
    n_fam = len(members)

# ---- records: originals + duplicates
ent_id = np.concatenate([np.arange(n_ent), np.repeat(np.arange(n_ent), ndup)])
is_dup = np.concatenate([np.zeros(n_ent, bool), np.ones(ndup.sum(), bool)])
R = len(ent_id)
rec = pd.DataFrame(
    {
        "entity_id": ent_id,
        "first_name": fn[ent_id],
        "surname": sur[ent_id],
        "dob": dob[ent_id],
        "postcode": pc[ent_id],
        "gender": np.where(gender[ent_id] == 0, "M", "F").astype(object),
    }
)


def typo(arr):
    """vectorised adjacent swap (50%) or single char drop (50%) on an object array of str"""
    s = arr.astype("U24")
    n = len(s)
    if n == 0:
        return arr
    L = np.char.str_len(s)
    m = s.view(np.uint32).reshape(n, 24).copy()
    pos = (rng.random(n) * np.maximum(L - 1, 1)).astype(int)
    swap = rng.random(n) < 0.5
    r = np.arange(n)
    a_, b_ = m[r, pos].copy(), m[r, np.minimum(pos + 1, 23)].copy()
    m[r[swap], pos[swap]] = b_[swap]
    m[r[swap], np.minimum(pos[swap] + 1, 23)] = a_[swap]
    j = np.arange(24)[None, :]
    src = np.where(j >= pos[:, None], np.minimum(j + 1, 23), j)
    dropped = np.take_along_axis(m, src, axis=1)
    dropped[:, 23] = 0
    m = np.where(swap[:, None], m, dropped)
    outv = m.view("U24").reshape(n)
    return np.where(L >= 3, outv.astype(object), arr)


d = np.flatnonzero(is_dup)
for col, p in [("first_name", 0.25), ("surname", 0.25)]:
    sel = d[rng.random(len(d)) < p]
    vals = rec[col].to_numpy()
    vals[sel] = typo(vals[sel])
    rec[col] = vals
# postcode: 25% of dups moved (new postcode), 10% typo
sel = d[rng.random(len(d)) < 0.25]
vals = rec["postcode"].to_numpy()
vals[sel] = postcodes(len(sel))
sel2 = d[rng.random(len(d)) < 0.10]
vals[sel2] = typo(vals[sel2])
rec["postcode"] = vals
# dob: 10% of dups off by days / day-month transposed
dv = rec["dob"].to_numpy().copy()
sel = d[rng.random(len(d)) < 0.10]
dv[sel] = dv[sel] + rng.integers(-40, 41, len(sel)).astype("timedelta64[D]")
n_tr = 0
if TRANSPOSED > 0:
    orig = pd.DatetimeIndex(rec["dob"].to_numpy()[sel])
    can = (orig.day <= 12) & (orig.day != orig.month) & (rng2.random(len(sel)) < TRANSPOSED)
    swapped = pd.to_datetime(pd.DataFrame({"year": orig.year[can], "month": orig.day[can], "day": orig.month[can]}))
    dv[sel[can]] = swapped.to_numpy().astype(dv.dtype)
    n_tr = int(can.sum())
rec["dob"] = pd.Series(dv).dt.strftime("%Y-%m-%d").astype(object)
# missing: 8% per field on dups, 2% on originals
for col in ["first_name", "surname", "dob", "postcode", "gender"]:
    p = np.where(is_dup, 0.08, 0.02)
    rec.loc[rng.random(R) < p, col] = None
rec = rec.sample(frac=1.0, random_state=seed).reset_index(drop=True)
rec.insert(0, "unique_id", np.arange(R))
rec.to_parquet(out, index=False)
print(
    f"records={R} entities={n_ent} dup_records={int(ndup.sum())} entities_with_dups={int((ndup > 0).sum())} "
    f"family_members={n_fam} transposed_dobs={n_tr} gen_time_s={time.perf_counter() - t0:.2f}"
)
print(rec.head(8).to_string())
