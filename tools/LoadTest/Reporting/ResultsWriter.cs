using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warranty.LoadTest.Reporting;

/// <summary>A run's results as JSON (everything) and as a table (stdout).</summary>
public static class ResultsWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task WriteJsonAsync(RunResult result, string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var stream = File.Create(full);
        await JsonSerializer.SerializeAsync(stream, result, Json, cancellationToken);
    }

    public static RunResult? ReadJson(string json) => JsonSerializer.Deserialize<RunResult>(json, Json);

    public static string Table(RunResult r)
    {
        var text = new StringBuilder();
        var mode = r.Mode == "open"
            ? string.Create(CultureInfo.InvariantCulture, $"open loop at {r.Rate:N0} req/s ({r.Concurrency} workers), latency from the scheduled start")
            : string.Create(CultureInfo.InvariantCulture, $"closed loop, concurrency {r.Concurrency}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{mode}; {r.MeasuredSeconds:0.#} s measured after {r.WarmupSeconds:0.#} s warmup{(r.Interrupted ? " (interrupted)" : "")}; {r.Subscribers:N0} subscribers, {r.Distribution}{(r.ZipfS is { } s ? $" s={s}" : "")}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"operation",-12} {"count",10} {"req/s",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",9} {"errors",7}  statuses");
        foreach (var (name, op) in r.Operations)
        {
            Row(text, name, op);
        }

        text.AppendLine(new string('-', 96));
        Row(text, "all", r.Overall);
        if (r.ServiceTime is { } st)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"service time alone (uncorrected): p50 {st.P50:0.###} ms, p99 {st.P99:0.###} ms, max {st.Max:0.###} ms");
        }

        if (r.OpenLoop is { } open)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"schedule: {open.Scheduled:N0} due, {open.Sent:N0} sent, {open.Unsent:N0} unsent (backlog at the stop); sent late by p50 {open.SendLag.P50:0.###} ms, p99 {open.SendLag.P99:0.###} ms (counted in the latencies)");
        }

        if (r.Overall.Abandoned > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"abandoned: {r.Overall.Abandoned:N0} requests were still unanswered 5 s after the end (hung?); they are in no other figure");
        }

        foreach (var (message, count) in r.TransportErrorMessages)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"transport error ×{count}: {message}");
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, OperationResult op)
    {
        var l = op.Latency;
        var statuses = string.Join(" ", op.Statuses.Select(s => $"{s.Key}×{s.Value}").Concat(op.Abandoned > 0 ? [$"abandoned×{op.Abandoned}"] : []));
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-12} {op.Count,10:N0} {op.Throughput,10:N1} {l.P50,8:0.000} {l.P90,8:0.000} {l.P99,8:0.000} {l.P999,9:0.000} {l.Max,9:0.000} {op.Errors,7:N0}  {statuses}");
    }
}
