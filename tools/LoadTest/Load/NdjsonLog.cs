using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warranty.LoadTest.Load;

/// <summary>
/// An append-only NDJSON file, one JSON object a line, flushed line by line so that what a killed or interrupted
/// tool wrote is still readable. Thread-safe. Read back with <see cref="ReadAll{T}"/>.
/// </summary>
public sealed class NdjsonLog : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    private NdjsonLog(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>Null when <paramref name="path"/> is null: the caller logs nothing.</summary>
    public static NdjsonLog? Open(string? path) => path is null ? null : new NdjsonLog(path);

    public void Write<T>(T entry)
    {
        var line = JsonSerializer.Serialize(entry, Json);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    /// <summary>Every entry of a file; a missing file is empty, and a last line cut off by a kill is skipped.</summary>
    public static List<T> ReadAll<T>(string? path)
    {
        var entries = new List<T>();
        if (path is null || !File.Exists(path))
        {
            return entries;
        }

        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                entries.Add(JsonSerializer.Deserialize<T>(lines[i], Json)!);
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // A line cut off when its writer was killed.
            }
        }

        return entries;
    }
}

/// <summary>A claim filing the service acknowledged (2xx): it must exist, exactly once, ever after.</summary>
public sealed record ClaimAck(DateTimeOffset At, string LineId, string ClaimId, int Status);

/// <summary>
/// A request that got an answer the workload does not expect (status) or none (status 0, transport error or timeout):
/// <paramref name="At"/> when it ended, <paramref name="SentAt"/> when it was sent; <paramref name="Source"/> is the
/// command (run, exchanges).
/// </summary>
public sealed record RequestError(DateTimeOffset At, DateTimeOffset SentAt, string Source, string Operation, int Status, string? Detail);
