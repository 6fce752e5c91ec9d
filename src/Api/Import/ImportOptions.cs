using Microsoft.AspNetCore.Http.Metadata;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

/// <summary>Settings of the bulk import (<c>Warranty:Import</c>, an <see cref="ISettings"/> class).</summary>
public sealed class ImportOptions : ISettings
{
    public static string Section => "Warranty:Import";

    /// <summary>The largest import body accepted (the API's 64 KiB limit does not apply to imports).</summary>
    public long MaxBodyBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The longest single NDJSON line; a longer one is a per-record error and is skipped.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Records in flight at once unless the request asks for another number (<c>?parallelism=</c>).</summary>
    public int Parallelism { get; set; } = 32;

    /// <summary>The most records in flight a request may ask for.</summary>
    public int MaxParallelism { get; set; } = 256;

    /// <summary>A progress object after every this many records …</summary>
    public int ProgressEveryRecords { get; set; } = 1000;

    /// <summary>… and at least this often.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (MaxBodyBytes <= 0 || MaxLineBytes <= 0 || Parallelism < 1 || MaxParallelism < Parallelism
            || ProgressEveryRecords < 1 || ProgressInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}: MaxBodyBytes, MaxLineBytes, ProgressEveryRecords and ProgressInterval must be positive, and 1 <= Parallelism <= MaxParallelism.";
        }
    }
}

/// <summary>
/// An endpoint's own request body limit, read by <see cref="Http.BodyLimit"/> instead of the API's
/// 64 KiB; the endpoint then enforces and answers for its limit itself.
/// </summary>
public sealed class EndpointBodyLimit(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
