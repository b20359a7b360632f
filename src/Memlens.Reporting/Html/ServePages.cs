using System.Globalization;
using System.Text.Json;
using Memlens.Reporting.Model;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Html.HtmlPage;

namespace Memlens.Reporting.Html;

/// <summary>
/// The pages of `memlens serve`: the process list and the live part of a process's report. They refresh by fetching
/// JSON from the server that sent them (the only load their policy allows) and build rows with textContent, never
/// with markup from the data.
/// </summary>
public static class ServePages
{
    public static readonly string[] Groupings = ["process", "program", "user", "cgroup"];

    public static void ProcessList(TopReport r, TextWriter w)
    {
        var t = r.Totals;
        Begin(w, $"memlens serve: {t.Processes} processes", $"Σ PSS {Text.Size(t.Pss)} (RAM the processes use, shared pages split), Σ USS {Text.Size(t.Uss)}, Σ swap {Text.Size(t.Swap)}; refreshed every 5 s", live: true);
        w.Write("<p id=\"by\">by ");
        w.Write(string.Join(" · ", Groupings.Select(g => g == r.By ? $"<b>{g}</b>" : $"<a href=\"/?by={g}\">{g}</a>")));
        w.Write("</p><p id=\"status\" class=\"src\"></p>\n");
        w.Write($"<table class=\"sortable\" id=\"top\" data-by=\"{E(r.By)}\"><thead><tr>");
        foreach (var h in new[] { r.By, "processes", "threads", "VSZ", "reserved only", "RSS", "PSS", "USS", "swap", "largest owner" }) w.Write($"<th>{E(h)}</th>");
        w.Write("</tr></thead><tbody>");
        foreach (var x in r.Rows)
        {
            string key = r.By == "process" && Pid(x.Key) is { } pid ? $"<a href=\"/process/{pid}\">{E(x.Key)}</a>" : E(x.Key);
            w.Write($"<tr><td>{key}</td>{Num(x.Processes)}{Num(x.Threads)}{Size(x.Vsz)}{Size(x.ReservedOnly)}{Size(x.Rss)}{Size(x.Pss)}{Size(x.Uss)}{Size(x.Swap)}<td>{E(x.LargestOwner ?? "")}</td></tr>");
        }
        w.Write("</tbody></table>\n");
        Checks(w, r.Checks);
        End(w, ListScript);
    }

    /// <summary>The live section of a process's page and its script: owners now, and their change since the page opened.</summary>
    public static (string Section, string Script) LiveParts(int pid) => (
        $"<section id=\"live\"><h2>Live</h2><p id=\"live-status\" class=\"src\">watching pid {pid}…</p>" +
        "<svg id=\"live-chart\" viewBox=\"0 0 1000 200\" width=\"1000\" height=\"200\" role=\"img\"><title>RSS by kind over time, stacked</title></svg>" +
        "<p id=\"live-legend\" class=\"legend\"></p>" +
        $"<p><a href=\"/process/{pid}/report.html\">download this report (HTML)</a> · <a href=\"/process/{pid}/snapshot.tar.gz\">capture a snapshot (.tar.gz)</a> · <a href=\"/\">all processes</a></p>" +
        "<table class=\"sortable\" id=\"live-owners\"><thead><tr><th>kind</th><th>owner</th><th>VSZ</th><th>RSS</th><th>PSS</th><th>swap</th><th>RSS since opened</th></tr></thead><tbody></tbody></table></section>\n",
        $"const kindColours = {KindColourTable};" + LiveScript.Replace("PID", pid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>The kinds' colours as a script object: the chart uses the colours of every other view.</summary>
    private static string KindColourTable => "{" + string.Join(",", Core.Model.Kinds.All.Select(k => $"\"{k}\":\"{KindColors.Rgb(k)}\"")) + "}";

    /// <summary>What the live section fetches: the owners of a process now (largest resident first), or that it exited.</summary>
    public static byte[] LiveJson(Report r, DateTimeOffset at, int owners = 25)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteNumber("pid", r.Process.Pid);
            j.WriteString("comm", r.Process.Comm);
            j.WriteString("at", at);
            j.WriteBoolean("exited", false);
            j.WriteNumber("vsz", r.Headline.Vsz);
            Nullable(j, "rss", r.Headline.Rss);
            Nullable(j, "pss", r.Headline.Pss);
            j.WriteStartArray("kinds");
            foreach (var k in r.Kinds)
            {
                j.WriteStartObject();
                j.WriteString("kind", k.Kind);
                j.WriteNumber("virtual", k.Numbers.Virtual);
                Nullable(j, "rss", k.Numbers.Rss);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartArray("owners");
            foreach (var g in r.Groups.OrderByDescending(g => g.Numbers.Rss ?? 0).ThenByDescending(g => g.Numbers.Virtual).Take(owners))
            {
                j.WriteStartObject();
                j.WriteString("kind", g.Kind);
                j.WriteString("owner", g.Owner);
                j.WriteNumber("virtual", g.Numbers.Virtual);
                Nullable(j, "rss", g.Numbers.Rss);
                Nullable(j, "pss", g.Numbers.Pss);
                Nullable(j, "swap", g.Numbers.Swap);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static byte[] ExitedJson(int pid, string why) =>
        JsonSerializer.SerializeToUtf8Bytes(new ExitedProcess(pid, true, why), ServeJsonContext.Default.ExitedProcess);

    private static void Nullable(Utf8JsonWriter j, string name, ulong? value)
    {
        if (value is ulong v) j.WriteNumber(name, v);
        else j.WriteNull(name);
    }

    private static int? Pid(string key) => int.TryParse(key.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    private static string Num(long n) => $"<td class=\"num\" data-v=\"{n}\">{n.ToString("N0", CultureInfo.InvariantCulture)}</td>";
    private static string Size(ulong n) => $"<td class=\"num\" data-v=\"{n}\">{E(Text.Size(n))}</td>";

    // Shared by both pages: sizes as the terminal prints them, cells built from text.
    private const string Helpers = """
        const size = n => { if (n === null || n === undefined) return '?'; const u = ['B','KiB','MiB','GiB','TiB']; let i = 0, v = n; while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; } return (i ? v.toFixed(1) : v) + ' ' + u[i]; };
        const cell = (tr, text, value) => { const td = tr.insertCell(); td.textContent = text; if (value !== undefined) { td.className = 'num'; td.dataset.v = value ?? -1; } return td; };
        """;

    private const string ListScript = Helpers + """
        const table = document.getElementById('top'), by = table.dataset.by, status = document.getElementById('status');
        async function refresh() {
          try {
            const r = await fetch('/api/top?by=' + encodeURIComponent(by));
            if (!r.ok) throw new Error(r.status + ' ' + r.statusText);
            const top = await r.json(), body = table.tBodies[0];
            body.replaceChildren();
            for (const x of top.rows) {
              const tr = body.insertRow(), key = tr.insertCell(), pid = by === 'process' ? parseInt(x.key, 10) : NaN;
              if (pid > 0) { const a = document.createElement('a'); a.href = '/process/' + pid; a.textContent = x.key; key.appendChild(a); } else key.textContent = x.key;
              cell(tr, x.processes.toLocaleString('en'), x.processes); cell(tr, x.threads.toLocaleString('en'), x.threads);
              for (const k of ['vsz', 'reservedOnly', 'rss', 'pss', 'uss', 'swap']) cell(tr, size(x[k]), x[k]);
              cell(tr, x.largestOwner ?? '');
            }
            status.textContent = 'updated ' + new Date().toLocaleTimeString();
          } catch (e) { status.textContent = 'could not refresh: ' + e.message; }
        }
        setInterval(refresh, 5000);
        """;

    private const string LiveScript = Helpers + """
        const first = new Map(), status = document.getElementById('live-status'), owners = document.getElementById('live-owners');
        const chart = document.getElementById('live-chart'), legend = document.getElementById('live-legend'), history = [];
        let timer;
        // RSS by kind over the samples, stacked: the last 300 samples (10 minutes), the largest kind at the bottom.
        function draw() {
          const last = history[history.length - 1], kinds = Object.keys(last).sort((a, b) => last[b] - last[a]);
          const top = Math.max(1, ...history.map(h => Object.values(h).reduce((a, b) => a + b, 0)));
          const x = i => history.length === 1 ? 1000 : i * 1000 / (history.length - 1), y = v => 195 - v * 185 / top;
          const svg = 'http://www.w3.org/2000/svg', below = history.map(() => 0);
          chart.querySelectorAll('polygon').forEach(p => p.remove());
          legend.replaceChildren();
          for (const k of kinds) {
            const lower = below.slice(), upper = history.map((h, i) => below[i] += (h[k] ?? 0));
            const points = upper.map((v, i) => x(i) + ',' + y(v)).concat(lower.map((v, i) => x(i) + ',' + y(v)).reverse());
            const p = document.createElementNS(svg, 'polygon');
            p.setAttribute('points', (history.length === 1 ? ['0,' + y(upper[0]), ...points, '0,' + y(lower[0])] : points).join(' '));
            p.setAttribute('fill', kindColours[k] ?? '#999');
            p.dataset.kind = k;
            const t = document.createElementNS(svg, 'title'); t.textContent = k + ': ' + size(last[k]); p.appendChild(t);
            chart.appendChild(p);
            const item = document.createElement('span'), swatch = document.createElement('i');
            swatch.style.background = kindColours[k] ?? '#999';
            item.append(swatch, k + ' ' + size(last[k]));
            legend.appendChild(item);
          }
        }
        async function sample() {
          try {
            const r = await fetch('/api/process/PID');
            const s = await r.json();
            if (s.exited) {
              clearInterval(timer);
              status.textContent = 'process PID exited (seen at ' + new Date().toLocaleTimeString() + '): ' + s.why + '; the figures on this page are its last';
              status.className = 'exited';
              document.body.dataset.exited = 'true';
              return;
            }
            history.push(Object.fromEntries(s.kinds.filter(k => k.rss > 0).map(k => [k.kind, k.rss])));
            if (history.length > 300) history.shift();
            draw();
            const body = owners.tBodies[0];
            body.replaceChildren();
            for (const o of s.owners) {
              const id = o.kind + '\u0000' + o.owner;
              if (!first.has(id)) first.set(id, o.rss ?? 0);
              const tr = body.insertRow(), delta = (o.rss ?? 0) - first.get(id);
              tr.dataset.owner = o.owner;
              cell(tr, o.kind); cell(tr, o.owner);
              for (const k of ['virtual', 'rss', 'pss', 'swap']) cell(tr, size(o[k]), o[k]);
              cell(tr, (delta > 0 ? '+' : delta < 0 ? '−' : '') + size(Math.abs(delta)), delta);
            }
            status.textContent = 'pid PID: RSS ' + size(s.rss) + ', PSS ' + size(s.pss) + ' at ' + new Date(s.at).toLocaleTimeString() + ' (every 2 s)';
          } catch (e) { status.textContent = 'could not refresh: ' + e.message; }
        }
        sample();
        timer = setInterval(sample, 2000);
        """;
}

public sealed record ExitedProcess(int Pid, bool Exited, string Why);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ExitedProcess))]
public sealed partial class ServeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
