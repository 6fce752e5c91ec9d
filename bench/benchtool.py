#!/usr/bin/env python3
"""The Python half of bench/run.sh (standard library only): keys and tokens from a seed manifest, the wrk
request files, the SQL peer's data, wrk's report as JSON, and the final table.

  benchtool.py token ROLE [LINEID]                         one HS256 token (as the service's dev-token makes them)
  benchtool.py requests MANIFEST ROLE OUT                  wrk request lines "PATH<TAB>Bearer TOKEN", line k =
                                                           subscriber k; ROLE operator: one token for all lines;
                                                           ROLE subscriber: each line its own subscriber's token
  benchtool.py peer-data MANIFEST LINES-CSV DEVICES-CSV    the SQL peer's rows for the same subscribers
  benchtool.py wrk NAME TEXT CPU OUT                       wrk's output (and the run's CPU split) as JSON
  benchtool.py report OUT-DIR                              the final table; exit 1 when a figure is invalid

Keys, as tools/LoadTest/Seeding/SeedManifest.cs derives them: subscriber i has line "{prefix}-{i:08d}" and IMEI
tacs[i % len(tacs)] + (i // len(tacs)) as 6 digits + the Luhn check digit (src/Grains/Domain/Imei.cs).
Tokens: claims as src/Api/Http/Auth/Tokens.cs writes them (iss, aud, sub, role, line_id for a subscriber, iat, nbf,
exp), signed with Warranty__Auth__SigningKey (base64), issuer "warranty", audience "warranty-api".
"""
import base64
import csv
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import sys

JST = dt.timezone(dt.timedelta(hours=9))
TOKEN_HOURS = 12


# --- keys ---------------------------------------------------------------------------------------------------------

def luhn_digit(body):
    """The check digit that makes body + digit valid: from the left, odd indexes of the 15 digits are doubled."""
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def load_manifest(path):
    with open(path) as f:
        m = json.load(f)
    return m


def line_id(m, i):
    return f"{m['prefix']}-{i:08d}"


def imei(m, i):
    tacs = m["tacs"]
    body = f"{tacs[i % len(tacs)]}{i // len(tacs):06d}"
    return body + luhn_digit(body)


# --- tokens -------------------------------------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    def __init__(self):
        text = os.environ.get("Warranty__Auth__SigningKey")
        if not text:
            sys.exit("benchtool: Warranty__Auth__SigningKey is not set (bench_auth in bench/lib.sh exports it)")
        self.key = base64.b64decode(text.strip())
        self.issuer = os.environ.get("Warranty__Auth__Issuer", "warranty")
        self.audience = os.environ.get("Warranty__Auth__Audience", "warranty-api")
        self.header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        self.now = int(dt.datetime.now(dt.timezone.utc).timestamp())

    def token(self, role, line=None, subject=None):
        claims = {"sub": subject or (f"bench-subscriber-{line}" if line else f"bench-{role}"), "role": role}
        if line is not None:
            claims["line_id"] = line
        claims.update({"iss": self.issuer, "aud": self.audience, "iat": self.now, "nbf": self.now,
                       "exp": self.now + TOKEN_HOURS * 3600})
        payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{self.header}.{payload}"
        signature = hmac.new(self.key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(signature)}"


def cmd_token(args):
    role = args[0]
    print(Signer().token(role, args[1] if len(args) > 1 else None))


def cmd_requests(args):
    manifest, role, out = args
    m = load_manifest(manifest)
    signer = Signer()
    shared = None if role == "subscriber" else signer.token(role)
    with open(out, "w") as f:
        for i in range(m["count"]):
            token = shared or signer.token("subscriber", line_id(m, i))
            f.write(f"/v1/devices/{imei(m, i)}/coverage\tBearer {token}\n")


# --- the SQL peer's rows ------------------------------------------------------------------------------------------

def add_months(d, months):
    """DateOnly.AddMonths: the same day, clamped to the month's last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(d.day, last))


def cmd_peer_data(args):
    """What tools/LoadTest's Seeder creates, row for row: the line (option on, service start from the manifest,
    coverage from the first of the next month), its device (registered the day after the start, 10:00 JST; model
    m = i % len(tacs), android for even m, released 6 months before the start) and its usage (the day before the
    seed), no claim."""
    manifest, lines_csv, devices_csv = args
    m = load_manifest(manifest)
    start = dt.date.fromisoformat(m["serviceStartDate"])
    coverage_start = add_months(dt.date(start.year, start.month, 1), 1)
    release = add_months(start, -6)
    registered = dt.datetime.combine(start + dt.timedelta(days=1), dt.time(10, 0), JST).isoformat()
    seeded = dt.datetime.fromisoformat(m["seededAt"].replace("Z", "+00:00"))
    last_usage = (seeded - dt.timedelta(days=1)).astimezone(JST).date()
    tacs = len(m["tacs"])
    with open(lines_csv, "w", newline="") as lf, open(devices_csv, "w", newline="") as df:
        lw, dw = csv.writer(lf), csv.writer(df)
        for i in range(m["count"]):
            line, device = line_id(m, i), imei(m, i)
            lw.writerow([line, start.isoformat(), "t", coverage_start.isoformat(), "", device, "", 0,
                         last_usage.isoformat(), last_usage.isoformat()])
            dw.writerow([device, line, "covered", "android" if (i % tacs) % 2 == 0 else "ios", release.isoformat(), registered])


# --- wrk's report -------------------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def parse_wrk(text):
    """wrk's text report: Requests/sec, the latency distribution (--latency), Non-2xx, Socket errors; and the
    'wrk-json' line bench/coverage.lua's done() prints (exact counts, p99.9, max)."""
    r = {"requestsPerSecond": None, "latencyMs": {}, "non2xx": 0,
         "socketErrors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}}
    in_distribution = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("Latency Distribution"):
            in_distribution = True
            continue
        if in_distribution:
            m = re.fullmatch(r"([0-9.]+)%\s+(\S+)", s)
            if m:
                r["latencyMs"][f"p{float(m.group(1)):g}"] = to_ms(m.group(2))
                continue
            in_distribution = False
        m = re.match(r"Requests/sec:\s+([0-9.]+)", s)
        if m:
            r["requestsPerSecond"] = float(m.group(1))
        m = re.match(r"(\d+) requests in ([0-9.]+\w+)", s)
        if m:
            r["requests"] = int(m.group(1))
            r["durationSeconds"] = to_ms(m.group(2)) / 1000 if to_ms(m.group(2)) is not None else None
        m = re.match(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", s)
        if m:
            r["socketErrors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
        m = re.match(r"Non-2xx or 3xx responses: (\d+)", s)
        if m:
            r["non2xx"] = int(m.group(1))
        if s.startswith("wrk-json "):
            exact = json.loads(s[len("wrk-json "):])
            r["exact"] = exact
            lat = exact["latencyUs"]
            r["latencyMs"].update({"p999": lat["p999"] / 1000, "max": lat["max"] / 1000, "mean": lat["mean"] / 1000})
    if r["requestsPerSecond"] is None or "p99" not in r["latencyMs"]:
        raise ValueError("not a wrk --latency report")
    return r


def cmd_wrk(args):
    name, text_path, cpu_path, out = args
    with open(text_path) as f:
        r = parse_wrk(f.read())
    r = {"tool": "wrk", "name": name, **r}
    failures = r["non2xx"] + sum(r["socketErrors"].values())
    r["failures"] = failures
    # A figure measured on refusals or errors is not a figure: more than 0.1% of requests failing invalidates it.
    r["valid"] = r.get("requests", 0) > 0 and failures <= 0.001 * r["requests"]
    try:
        with open(cpu_path) as f:
            r["cpu"] = json.load(f)
    except (OSError, ValueError):
        pass
    with open(out, "w") as f:
        json.dump(r, f, indent=2)
    print(f"{name}: {r['requestsPerSecond']:,.0f} req/s, p99 {r['latencyMs']['p99']:.2f} ms, "
          f"{r['non2xx']} non-2xx, socket errors {r['socketErrors']}{'' if r['valid'] else '  INVALID'}")


# --- the final table ----------------------------------------------------------------------------------------------

def cmd_report(args):
    out = args[0]

    def load(name):
        try:
            with open(os.path.join(out, name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    meta = load("meta.json") or {}
    invalid = []
    rows = []

    def verdict(ok):
        return "met" if ok else "NOT met"

    def wrk_row(label, r, ratio_text):
        if r is None:
            rows.append((label, "missing", "", ""))
            invalid.append(label)
            return None
        if not r["valid"]:
            rows.append((label, "INVALID", "", f"{r['failures']:,} of {r.get('requests', 0):,} requests failed (non-2xx or socket errors)"))
            invalid.append(label)
            return None
        rows.append((label, f"{r['requestsPerSecond']:,.0f}", f"p99 {r['latencyMs']['p99']:.2f} ms", ratio_text(r)))
        return r

    ceiling, warm, zipf = load("wrk-baseline.json"), load("wrk-warm-uniform.json"), load("wrk-warm-zipf.json")
    subs, peer = load("wrk-subscriber.json"), load("wrk-peer.json")
    lt_ceiling = load("lt-baseline.json")
    ok_ceiling = ceiling is not None and ceiling["valid"]
    c_rps = ceiling["requestsPerSecond"] if ok_ceiling else None

    wrk_row("ceiling, bare Kestrel, wrk (req/s)", ceiling, lambda r: "the reference of the ratios below")
    if lt_ceiling:
        b = lt_ceiling["operations"]["coverage"]
        note = f"{b['throughput'] / c_rps:.2f} x wrk's (the driver's own cost)" if c_rps else ""
        if b["errors"]:
            note += f"; {b['errors']:,} errors"
        rows.append(("  same, the load tool's own driver", f"{b['throughput']:,.0f}", f"p99 {b['latency']['p99']:.2f} ms", note))

    def warm_ratio(r):
        if not c_rps:
            return "no valid ceiling"
        x = r["requestsPerSecond"] / c_rps
        return f"{x:.2f} x ceiling (target >= 0.6, p99 <= 5 ms: {verdict(x >= 0.6 and r['latencyMs']['p99'] <= 5)})"

    warm = wrk_row("warm lookups, uniform, operator token", warm, warm_ratio)

    def zipf_ratio(r):
        if not warm:
            return "no valid uniform run"
        x = r["latencyMs"]["p99"] / warm["latencyMs"]["p99"]
        return f"p99 {x:.2f} x uniform's (target <= 2: {verdict(x <= 2)})"

    wrk_row(f"warm lookups, Zipf s={meta.get('zipfS', '?')}, operator token", zipf, zipf_ratio)

    def peer_ratio(r):
        if not warm:
            return "no valid uniform run"
        x = warm["requestsPerSecond"] / r["requestsPerSecond"]
        return f"warm / peer = {x:.2f} (target >= 8: {verdict(x >= 8)})"

    wrk_row("stateless SQL peer, uniform", peer, peer_ratio)

    def subs_ratio(r):
        if not c_rps:
            return "no valid ceiling"
        x = r["requestsPerSecond"] / c_rps
        return f"{x:.2f} x ceiling (target >= 0.5, p99 <= 5 ms: {verdict(x >= 0.5 and r['latencyMs']['p99'] <= 5)})"

    n_tokens = meta.get("subscribers")
    wrk_row(f"warm lookups, {n_tokens:,} subscriber tokens" if n_tokens else "warm lookups, subscriber tokens", subs, subs_ratio)

    pg16, pgn = meta.get("pgbench16") or 0.0, meta.get("pgbenchN") or 0.0
    pg = max(pg16, pgn)
    rows.append(("pgbench single-row INSERT (tps)", f"{pg:,.0f}" if pg else "missing", "",
                 f"16 clients {pg16:,.0f}, {meta.get('concurrency', '?')} clients {pgn:,.0f}; the higher is used"))
    if not pg:
        invalid.append("pgbench")

    claims = load("claims.json")
    if claims:
        c = claims["operations"]["claim"]
        answered = sum(c["statuses"].values())
        created = c["statuses"].get("201", 0)
        share = created / answered if answered else 0.0
        accepted = created / claims["measuredSeconds"] if claims["measuredSeconds"] else 0.0
        if share < 0.99 or c.get("transportErrors", 0) > 0.001 * max(1, c["count"]):
            rows.append(("durable claim filings accepted (/s)", "INVALID", "",
                         f"only {share:.1%} of the window's {answered:,} answers were 201 ({c['statuses']}): "
                         f"seed more claim lines (--claim-subscribers, {meta.get('claimSubscribers', '?'):,} now)"))
            invalid.append("claims")
        else:
            x = accepted / pg if pg else 0
            rows.append(("durable claim filings accepted (/s)", f"{accepted:,.0f}", f"p99 {c['latency']['p99']:.2f} ms",
                         f"{x:.2f} x pgbench (target >= 0.35, p99 <= 50 ms: {verdict(x >= 0.35 and c['latency']['p99'] <= 50)}); "
                         f"{share:.1%} of answers 201"))
    else:
        rows.append(("durable claim filings accepted (/s)", "missing", "", ""))
        invalid.append("claims")

    cold = load("cold.json")
    if cold:
        k = cold["operations"]["coverage"]
        n_cold = meta.get("coldSubscribers", 0)
        ok200 = k["statuses"].get("200", 0)
        if k["count"] > n_cold or ok200 < 0.999 * k["count"] or k["count"] == 0:
            rows.append(("cold lookups at 1,000/s", "INVALID", "",
                         f"{k['count']:,} lookups of {n_cold:,} cold subscribers, {ok200:,} answered 200: each must be a first lookup"))
            invalid.append("cold")
        else:
            rows.append(("cold lookups at 1,000/s", f"{k['throughput']:,.0f}", f"p99 {k['latency']['p99']:.2f} ms",
                         f"{k['count']:,} first lookups in {cold['measuredSeconds']:.0f} s (target p99 <= 50 ms: {verdict(k['latency']['p99'] <= 50)})"))
    else:
        rows.append(("cold lookups at 1,000/s", "missing", "", ""))
        invalid.append("cold")

    fresh = load("fresh.json")
    if fresh:
        f = fresh["operations"]["coverage"]
        rows.append(("fresh process at 1,000/s (first 10 s)", f"{f['throughput']:,.0f}", f"p99 {f['latency']['p99']:.2f} ms",
                     f"information ({f['errors']:,} errors)"))

    print("CPU, in cores of the 2 (service, baseline server or SQL peer / PostgreSQL / load driver):")
    for name in ("lt-baseline", "wrk-baseline", "wrk-warm-uniform", "wrk-warm-zipf", "wrk-subscriber", "wrk-peer",
                 "claims", "cold", "fresh"):
        cpu = load(name + ".cpu")
        if cpu:
            print(f"  {name:17} {cpu['serviceCores']:.2f} / {cpu['postgresCores']:.2f} / {cpu['driverCores']:.2f}  ({cpu['driver']})")
    print()
    width = max(len(r[0]) for r in rows)
    for name, value, latency, ratio in rows:
        print(f"{name:{width}} {value:>12}  {latency:17} {ratio}")
    sizes = (f"{meta.get('subscribers', 0):,} subscribers, {meta.get('claimSubscribers', 0):,} claim lines, "
             f"{meta.get('coldSubscribers', 0):,} cold subscribers, {meta.get('duration', '?')} windows, "
             f"{meta.get('concurrency', '?')} connections")
    print(f"({sizes})")
    try:
        with open(os.path.join(out, "sample-compare.txt")) as fh:
            print(fh.read().strip())
    except OSError:
        pass
    summary = {"meta": meta, "rows": [dict(zip(("measure", "value", "latency", "ratio"), r)) for r in rows], "invalid": invalid}
    with open(os.path.join(out, "summary.json"), "w") as fh:
        json.dump(summary, fh, indent=2)
    if invalid:
        print(f"INVALID figures: {', '.join(invalid)}", file=sys.stderr)
        return 1
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "token":
        cmd_token(args)
    elif command == "requests":
        cmd_requests(args)
    elif command == "peer-data":
        cmd_peer_data(args)
    elif command == "wrk":
        cmd_wrk(args)
    elif command == "report":
        sys.exit(cmd_report(args))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
