"""Compiled loops (numba) for the model's hot paths:

- over all ties, every week: contact and strength (contact_gain, strengthen_and_decay;
  ties.py) and the outcome sums (outcome_counts; outcomes.py);
- over all citizens, every week: the outcome scores (score_outcomes; outcomes.py);
- the tie store (tiestore.py): the network snapshot for introductions (adjacency), the
  weekly merge of kept and new ties (merge_ties), checking new pairs (new_pairs) and
  looking up pairs (tie_rows);
- relational match quality of pairs (match_quality; population.py).

Why: each week every tie is touched by the contact/strength update and by the outcome
counts. In numpy that is some forty passes over the tie arrays plus a dozen bincounts;
one compiled loop per step does the same arithmetic in a single pass and scatters into
per-citizen totals directly. The smaller kernels replace many small numpy calls made
several times a week. Measured in benchmarks/ (see README, "Benchmarks"). The formulas
are documented in the modules that call these kernels; the loops only evaluate them.
Random numbers are drawn by the caller from model.rng, so runs stay reproducible.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def contact_gain(a, b, s, q, age, met, contact, wd, helped, u, hours, trial_weeks, n,
                 full, c_base, c_close, c_trial, c_helped, trial_gain, online_hours):
    """Contact this week and the hours each tie asks for; per-citizen demand for hours.

    p = (c_base + c_close sqrt(min(s,full)/full) + c_trial q [on trial]) wd_a wd_b + c_helped max(helped_a, helped_b)
    gain = hours (1 + trial_gain q [on trial]) if met else online_hours, when in contact.
    Coefficients are float32 (scenario section `ties`; defaults full 200, 0.05, 0.85, 0.6, 0.15, 2, 0.5).
    """
    m = a.shape[0]
    gain = np.zeros(m, dtype=np.float32)
    demand = np.zeros(n, dtype=np.float64)
    for e in range(m):
        i = a[e]
        j = b[e]
        tq = q[e] if age[e] < trial_weeks else np.float32(0.0)
        se = s[e] if s[e] < full else full
        p = (c_base + c_close * np.sqrt(se / full) + c_trial * tq) * wd[i] * wd[j]
        h = helped[i] if helped[i] > helped[j] else helped[j]
        p += c_helped * h
        if contact[e] or u[e] < p:
            if met[e]:
                g = np.float32(hours) * (np.float32(1.0) + trial_gain * tq)
            else:
                g = online_hours
            gain[e] = g
            demand[i] += g
            demand[j] += g
    return gain, demand


@njit(cache=True, nogil=True)
def strengthen_and_decay(a, b, s, kin, gain, scale, d_friend, d_kin, weak, neg_inv_weak_hours, cap):
    """s <- s (1 - d(s)) + gain min(scale_a, scale_b), capped; d(s) = d_base + weak exp(-s / weak_decay_hours)
    (neg_inv_weak_hours = float32(-1 / weak_decay_hours))."""
    for e in range(a.shape[0]):
        se = s[e]
        d = (d_kin if kin[e] else d_friend) + weak * np.exp(se * neg_inv_weak_hours)
        sa = scale[a[e]]
        sb = scale[b[e]]
        se = se * (np.float32(1.0) - d) + gain[e] * (sa if sa < sb else sb)
        s[e] = se if se < cap else cap


@njit(cache=True, nogil=True)
def outcome_counts(a, b, s, met, kin, lonely, resources, online_weight, n, full, seen, help_, confide, kin_w, known):
    """One pass over ties: closeness sums, LSNS-6 counts, lonely strong contacts, resources reached.

    Hours thresholds (float32; scenario keys ties.close_friend_hours and outcomes.*_hours):
    full 200, seen 20, help_ 50, confide 90.

    Returns
      actual[n]      sum of closeness sqrt(min(s,full)/full) (x online_weight if never met)
      counts[n, 6]   friends seen (s>=seen), help (>=help_), confide (>=confide); kin seen, help, confide
      lonely_w[n]    lonely strong contacts (s>=help_), kin counting kin_w (float32; loneliness.kin_contact_weight, 0.5)
      strong_w[n]    strong contacts, kin counting kin_w
      reach[n]       OR of the resource bits of everyone known (s >= known: weak ties count, as in the
                     Resource Generator's "do you know anyone who ...")

    The per-citizen totals are as small as they can be exactly (int16 counts; float32 for
    the half-counts, exact up to millions): each tie scatters into a random row of them,
    and smaller rows are fewer cache misses (~25% faster at 100,000 citizens).
    """
    actual = np.zeros(n, dtype=np.float64)
    counts = np.zeros((n, 6), dtype=np.int16)
    lonely_w = np.zeros(n, dtype=np.float32)
    strong_w = np.zeros(n, dtype=np.float32)
    reach = np.zeros(n, dtype=np.uint32)
    for e in range(a.shape[0]):
        i = a[e]
        j = b[e]
        se = s[e]
        w = np.sqrt((se if se < full else full) / full)
        if not met[e]:
            w = w * online_weight
        actual[i] += w
        actual[j] += w
        if se >= known:
            reach[i] |= resources[j]
            reach[j] |= resources[i]
        if se >= seen:
            g = 3 if kin[e] else 0
            counts[i, g] += 1
            counts[j, g] += 1
            if se >= help_:
                counts[i, g + 1] += 1
                counts[j, g + 1] += 1
                wk = kin_w if kin[e] else np.float32(1.0)
                strong_w[i] += wk
                strong_w[j] += wk
                if lonely[j]:
                    lonely_w[i] += wk
                if lonely[i]:
                    lonely_w[j] += wk
                if se >= confide:
                    counts[i, g + 2] += 1
                    counts[j, g + 2] += 1
    return actual, counts, lonely_w, strong_w, reach


@njit(cache=True, nogil=True)
def adjacency(a, b, n):
    """CSR of both directions by counting sort (O(ties), same order on every machine)."""
    m = a.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        indptr[a[e] + 1] += 1
        indptr[b[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    nbrs = np.empty(2 * m, dtype=np.int32)
    for e in range(m):
        nbrs[fill[a[e]]] = b[e]
        fill[a[e]] += 1
        nbrs[fill[b[e]]] = a[e]
        fill[b[e]] += 1
    return indptr, nbrs


@njit(cache=True, nogil=True)
def match_quality(a, b, interests, nbhd, nb_x, nb_y, need, confidence, w_interests, w_proximity, w_complement):
    """q = w_interests Jaccard(interests) + w_proximity / (1 + grid distance)
    + w_complement (1 - |need gap|) max(confidence)   (weights float32; defaults 0.45, 0.25, 0.30).

    One call instead of some twenty small numpy calls: matching, meetings and
    introductions ask for it many times a week, mostly for small sets of pairs.
    """
    m = a.shape[0]
    out = np.empty(m, dtype=np.float32)
    for e in range(m):
        i = a[e]
        j = b[e]
        x = np.int64(interests[i]) & np.int64(interests[j])
        y = np.int64(interests[i]) | np.int64(interests[j])
        inter = 0
        union = 0
        while x:
            x &= x - 1
            inter += 1
        while y:
            y &= y - 1
            union += 1
        jac = np.float32(inter) / np.float32(union if union > 0 else 1)
        dx = nb_x[nbhd[i]] - nb_x[nbhd[j]]
        dy = nb_y[nbhd[i]] - nb_y[nbhd[j]]
        prox = np.float32(1.0) / (np.float32(1.0) + np.float32(np.sqrt(dx * dx + dy * dy)))
        ci = confidence[i]
        cj = confidence[j]
        comp = (np.float32(1.0) - abs(need[i] - need[j])) * (ci if ci > cj else cj)
        out[e] = w_interests * jac + w_proximity * prox + w_complement * comp
    return out


@njit(cache=True, nogil=True)
def score_outcomes(actual, counts, lonely_w, strong_w, reach, activity, need, trait, shock, noise, rejection,
                   wellbeing_base, spread, centre, slope, lsns_bins, lonely_latent, ucla, belonging, wellbeing,
                   lsns, network_size, social_capital, c32, c64):
    """Per citizen, the formulas of sim/mechanisms/outcomes.py in one pass (writes the outcome columns).

    Each line keeps numpy's dtypes and order of operations (float32 where the numpy code
    worked in float32), so the numbers are bit-identical to the column-wise version.
    Returns unmet need (float32); shock is updated in place. LSNS-6 scores each of the
    six counts by lsns_bins (0..9+ people).

    Coefficients (see outcomes.coefficients): c32, float32, holds group membership weight,
    wanted base, wanted per need, shock persistence, shock sd, rejection weight, rejection
    cap, membership belonging, rejection belonging; c64, float64, holds gap weight,
    contagion reference, acceptance weight, wellbeing per belonging, its reference,
    wellbeing per UCLA-3 point, its reference.
    """
    member_w, w_base, w_need, persist, shock_sd, rej_w, rej_cap, memb_b, rej_b = (
        c32[0], c32[1], c32[2], c32[3], c32[4], c32[5], c32[6], c32[7], c32[8])
    gap_w, lf_ref, acc_w, wb_b, wb_b_ref, wb_l, wb_l_ref = c64[0], c64[1], c64[2], c64[3], c64[4], c64[5], c64[6]
    n = actual.shape[0]
    unmet = np.empty(n, dtype=np.float32)
    for i in range(n):
        member = np.float32(1.0) if activity[i] >= 0 else np.float32(0.0)
        act = actual[i] + np.float64(member_w * member)
        wanted = np.float32(w_base + np.float32(w_need * need[i]))
        gap = (np.float64(wanted) - act) / np.float64(wanted)
        gap = min(max(gap, -1.0), 1.0)
        unmet[i] = np.float32(gap if gap > 0.0 else 0.0)
        lf = np.float64(lonely_w[i]) / max(np.float64(strong_w[i]), 1e-9) if strong_w[i] > 0 else lf_ref   # guard
        sh = np.float32(shock[i] * persist)
        sh = np.float32(sh + np.float32(shock_sd * noise[i]))
        shock[i] = sh
        rej = rejection[i]
        lam = (gap_w * gap + np.float64(trait[i]) + np.float64(sh) + spread * (lf - lf_ref)
               + np.float64(rej_w * min(rej, rej_cap)))
        lonely_latent[i] = np.float32(lam)
        u = min(max(np.rint(centre + slope * lam), 3.0), 9.0)      # definition: UCLA-3 runs 3-9
        ucla[i] = np.int8(u)
        b = acc_w * act / np.float64(wanted) + np.float64(memb_b * member) - np.float64(rej_b * rej)
        b = min(max(b, 0.0), 1.0)
        belonging[i] = np.float32(12.0 + 72.0 * b)                  # definition: the GBS runs 12-84
        w = np.float64(wellbeing_base[i]) + wb_b * (b - wb_b_ref) - wb_l * (np.float64(ucla[i]) - wb_l_ref)
        wellbeing[i] = np.float32(min(max(w, 7.0), 35.0))           # definition: SWEMWBS runs 7-35
        score = 0
        for c in range(6):
            k = counts[i, c]
            score += lsns_bins[k if k < 9 else 9]
        lsns[i] = score
        network_size[i] = counts[i, 0] + counts[i, 3]
        r = reach[i]
        bits = 0
        while r:
            r &= r - 1
            bits += 1
        social_capital[i] = bits
    return unmet


@njit(cache=True, nogil=True)
def merge_ties(keep, order, key, a, b, s, q, origin, age, met, contact, kin, rd,
               nkey, na, nb, ns, nq, norigin, nage, nmet, ncontact, nkin, nrd):
    """The week's new tie store: the kept old rows and the new rows (taken in `order`, by key),
    merged by key into fresh arrays in one pass (fields in the order of tiestore.FIELDS).

    Why one pass: ~1% of the ties break and ~1% form each week, and the rows must stay
    sorted by key; merging every field row by row reads and writes each byte once,
    where a per-field merge went over the store a dozen times.
    """
    n_old = key.shape[0]
    m = order.shape[0]
    kept = 0
    for i in range(n_old):
        if keep[i]:
            kept += 1
    total = kept + m
    okey = np.empty(total, dtype=key.dtype)
    oa = np.empty(total, dtype=a.dtype)
    ob = np.empty(total, dtype=b.dtype)
    os_ = np.empty(total, dtype=s.dtype)
    oq = np.empty(total, dtype=q.dtype)
    oorigin = np.empty(total, dtype=origin.dtype)
    oage = np.empty(total, dtype=age.dtype)
    omet = np.empty(total, dtype=met.dtype)
    ocontact = np.empty(total, dtype=contact.dtype)
    okin = np.empty(total, dtype=kin.dtype)
    ord_ = np.empty(total, dtype=rd.dtype)
    i = 0
    k = 0
    for o in range(total):
        while i < n_old and not keep[i]:
            i += 1
        if i < n_old and (k >= m or key[i] < nkey[order[k]]):
            okey[o] = key[i]
            oa[o] = a[i]
            ob[o] = b[i]
            os_[o] = s[i]
            oq[o] = q[i]
            oorigin[o] = origin[i]
            oage[o] = age[i]
            omet[o] = met[i]
            ocontact[o] = contact[i]
            okin[o] = kin[i]
            ord_[o] = rd[i]
            i += 1
        else:
            r = order[k]
            okey[o] = nkey[r]
            oa[o] = na[r]
            ob[o] = nb[r]
            os_[o] = ns[r]
            oq[o] = nq[r]
            oorigin[o] = norigin[r]
            oage[o] = nage[r]
            omet[o] = nmet[r]
            ocontact[o] = ncontact[r]
            okin[o] = nkin[r]
            ord_[o] = nrd[r]
            k += 1
    return okey, oa, ob, os_, oq, oorigin, oage, omet, ocontact, okin, ord_


@njit(cache=True, nogil=True)
def new_pairs(u, v, n, b, starts, pending):
    """Which candidate pairs can become new ties: not a self-pair, not tied already
    (b and starts: the store, see tie_rows), not queued this week (pending: sorted keys),
    and the first occurrence of a pair in this batch. Returns (key, lo, hi, keep).

    One pass instead of a dozen numpy calls: tie-forming mechanisms call it several
    times a week, mostly on small batches.
    """
    m = u.shape[0]
    key = np.empty(m, dtype=np.int64)
    lo = np.empty(m, dtype=np.int32)
    hi = np.empty(m, dtype=np.int32)
    keep = np.empty(m, dtype=np.bool_)
    n_pe = pending.shape[0]
    for e in range(m):
        x = u[e]
        y = v[e]
        l = x if x < y else y
        h = y if x < y else x
        k = np.int64(l) * n + np.int64(h)
        lo[e] = l
        hi[e] = h
        key[e] = k
        ok = x != y
        if ok:
            ok = _row_of(l, h, b, starts) < 0
        if ok and n_pe:
            p = np.searchsorted(pending, k)
            ok = not (p < n_pe and pending[p] == k)
        keep[e] = ok
    order = np.argsort(key, kind="mergesort")      # stable: the first occurrence comes first
    for t in range(1, m):
        if key[order[t]] == key[order[t - 1]]:
            keep[order[t]] = False
    return key, lo, hi, keep


@njit(cache=True, nogil=True)
def row_starts(a, n):
    """starts[i]: the first row whose lower end is i or more (rows are sorted by key, so by a);
    citizen i's ties as lower end are rows starts[i] .. starts[i+1]-1, sorted by b."""
    starts = np.zeros(n + 1, dtype=np.int64)
    for r in range(a.shape[0]):
        starts[a[r] + 1] += 1
    for i in range(n):
        starts[i + 1] += starts[i]
    return starts


@njit(cache=True, nogil=True, inline="always")
def _row_of(lo, hi, b, starts):
    """Row of the tie (lo, hi), lo < hi, or -1: a scan of lo's few rows (sorted by b)."""
    for r in range(starts[lo], starts[lo + 1]):
        if b[r] >= hi:
            return r if b[r] == hi else -1
    return -1


@njit(cache=True, nogil=True)
def tie_rows(u, v, b, starts):
    """Row of each pair's tie in the store, -1 where the pair is not tied.

    Why not a binary search over the keys: at 100,000 citizens that is some twenty
    scattered reads per pair; through starts it is two, then a scan of a handful of rows.
    """
    m = u.shape[0]
    out = np.full(m, -1, dtype=np.int64)
    for e in range(m):
        x = u[e]
        y = v[e]
        if x < y:
            out[e] = _row_of(x, y, b, starts)
        elif y < x:
            out[e] = _row_of(y, x, b, starts)
    return out
