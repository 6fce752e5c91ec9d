using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Orleans.Runtime;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

/// <summary>
/// One run of the bulk import: reads NDJSON from the request body line by line, puts the records
/// into the grains with bounded parallelism and streams progress, per-record errors and a summary
/// back as NDJSON.
/// </summary>
/// <remarks>
/// Memory does not grow with the body: the reader holds at most one line (≤ <see cref="ImportOptions.MaxLineBytes"/>)
/// plus what the server has buffered; parsed records wait in a channel of about twice the parallelism;
/// results wait in a bounded channel for the response writer. When the client reads the response
/// slowly, or the grains answer slowly, the channels fill and reading the body pauses.
/// </remarks>
internal sealed partial class ImportJob
{
    private const int OutputCapacity = 1024;
    private const int FlushEvery = 256;

    private readonly ImportOptions _options;
    private readonly int _parallelism;
    private readonly RecordParser _parser;
    private readonly RecordImporter _importer;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _countsLock = new();
    private readonly Channel<ImportWork> _work;
    private readonly Channel<ImportEvent> _output = Channel.CreateBounded<ImportEvent>(new BoundedChannelOptions(OutputCapacity) { SingleReader = true });

    /// <summary>
    /// The every-N progress objects, written under <see cref="_countsLock"/> as their counts are taken, so they queue in
    /// count order; the writer takes them, and its own timed snapshot, under the same lock, so the counts a client sees
    /// never go back. One object per N records: it stays small even when the client reads slowly.
    /// </summary>
    private readonly Channel<ImportEvent> _milestones = Channel.CreateUnbounded<ImportEvent>(new UnboundedChannelOptions { SingleReader = true });
    private long _processed;
    private long _imported;
    private long _skipped;
    private long _failed;

    public ImportJob(
        IGrainFactory grains, TimeProvider rulesClock, ImportOptions options, int parallelism, string actor, JsonSerializerOptions json, ILogger logger)
    {
        _options = options;
        _parallelism = parallelism;
        _parser = new RecordParser(rulesClock, json);
        _importer = new RecordImporter(grains, actor);
        _json = json;
        _logger = logger;
        _work = Channel.CreateBounded<ImportWork>(new BoundedChannelOptions(parallelism * 2) { SingleWriter = true });
    }

    /// <summary>Runs the import; false when the client went away (or the response failed) before the summary.</summary>
    public async Task<bool> RunAsync(PipeReader body, PipeWriter response, CancellationToken cancellationToken)
    {
        LogStarted(_logger, _parallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = Task.Run(
            async () =>
            {
                try
                {
                    await WriteAsync(response, stop.Token);
                }
                catch (Exception ex)
                {
                    // Nobody reads the results any more: stop reading and importing too.
                    if (!IsAbort(ex))
                    {
                        LogFailed(_logger, ex);
                    }

                    await stop.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None);
        var workers = Enumerable.Range(0, _parallelism).Select(_ => Task.Run(() => WorkAsync(stop.Token), CancellationToken.None)).ToArray();
        try
        {
            try
            {
                await ReadAsync(body, stop.Token);
            }
            finally
            {
                _work.Writer.TryComplete();
            }

            await Task.WhenAll(workers);
            _output.Writer.TryComplete();
            await writer;
            return true;
        }
        catch (Exception ex)
        {
            // The client went away, sent a broken body, or stopped reading (or a bug): stop everything.
            await stop.CancelAsync();
            _output.Writer.TryComplete();
            await Task.WhenAll(workers.Append(writer)).ContinueWith(static _ => { }, TaskScheduler.Default);
            if (IsAbort(ex))
            {
                LogAborted(_logger, ex, Interlocked.Read(ref _processed));
            }
            else
            {
                LogFailed(_logger, ex);
            }

            return false;
        }
    }

    private static bool IsAbort(Exception ex) => ex is OperationCanceledException or IOException or BadHttpRequestException;

    /// <summary>Splits the body into lines as it arrives; each line is parsed and checked here, then queued.</summary>
    private async Task ReadAsync(PipeReader body, CancellationToken cancellationToken)
    {
        long line = 0;
        var discarding = false;
        try
        {
            var completed = false;
            while (!completed)
            {
                var result = await body.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                completed = result.IsCompleted;
                // Every read is followed by exactly one AdvanceTo, also when queueing throws (client gone).
                var (consumed, examined) = (buffer.Start, buffer.Start);
                try
                {
                    while (buffer.PositionOf((byte)'\n') is { } newline)
                    {
                        var text = buffer.Slice(0, newline);
                        buffer = buffer.Slice(buffer.GetPosition(1, newline));
                        line++;
                        if (discarding)
                        {
                            discarding = false;
                            await RecordAsync(RecordOutcome.Failed, TooLong(line), cancellationToken);
                        }
                        else
                        {
                            await AcceptAsync(text, line, cancellationToken);
                        }

                        consumed = examined = buffer.Start;
                    }

                    if (completed)
                    {
                        if (discarding)
                        {
                            await RecordAsync(RecordOutcome.Failed, TooLong(++line), cancellationToken);
                        }
                        else if (!buffer.IsEmpty)
                        {
                            await AcceptAsync(buffer, ++line, cancellationToken);
                        }

                        consumed = examined = buffer.End;
                    }
                    else if (discarding || buffer.Length > _options.MaxLineBytes)
                    {
                        // No newline within the limit: drop what came so far, and the rest of this line as it comes.
                        discarding = true;
                        consumed = examined = buffer.End;
                    }
                    else
                    {
                        // An incomplete line: keep it, and wait for more.
                        examined = buffer.End;
                    }
                }
                finally
                {
                    body.AdvanceTo(consumed, examined);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Past the import limit: what was read is imported; the rest is not read.
            await _output.Writer.WriteAsync(
                new ImportEvent(
                    ImportEventType.Error, line + 1, null, ErrorCodes.PayloadTooLarge,
                    $"The body is larger than the import limit of {_options.MaxBodyBytes} bytes; nothing from line {line + 1} on was read.", []),
                cancellationToken);
            LogTooLarge(_logger, _options.MaxBodyBytes, line);
        }
        finally
        {
            await body.CompleteAsync();
        }
    }

    private async ValueTask AcceptAsync(ReadOnlySequence<byte> text, long line, CancellationToken cancellationToken)
    {
        if (text.Length > _options.MaxLineBytes)
        {
            await RecordAsync(RecordOutcome.Failed, TooLong(line), cancellationToken);
            return;
        }

        if (line == 1 && text.FirstSpan.StartsWith("\uFEFF"u8))
        {
            text = text.Slice(3);
        }

        if (IsBlank(text))
        {
            return;
        }

        var parsed = _parser.Parse(text, line);
        if (parsed.Work is { } work)
        {
            await _work.Writer.WriteAsync(work, cancellationToken);
        }
        else
        {
            await RecordAsync(RecordOutcome.Failed, parsed.Error, cancellationToken);
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(cancellationToken))
        {
            RecordOutcome outcome;
            ImportEvent? error;
            try
            {
                (outcome, error) = await _importer.ImportAsync(work);
            }
            catch (Exception ex) when (Http.ClientErrorHandler.IsUnavailable(ex))
            {
                (outcome, error) = (RecordOutcome.Failed, new ImportEvent(
                    ImportEventType.Error, work.Line, work.LineId, ErrorCodes.Unavailable, "The service did not answer for this record; run the import again to finish it.", []));
                LogRecordUnavailable(_logger, ex, work.Line, work.LineId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (outcome, error) = (RecordOutcome.Failed, new ImportEvent(
                    ImportEventType.Error, work.Line, work.LineId, ErrorCodes.InternalError, "An unexpected error occurred for this record.", []));
                LogRecordError(_logger, ex, work.Line, work.LineId);
            }

            await RecordAsync(outcome, error, cancellationToken);
        }
    }

    /// <summary>Counts a finished record; queues its error, and a progress object every N records.</summary>
    private async ValueTask RecordAsync(RecordOutcome outcome, ImportEvent? error, CancellationToken cancellationToken)
    {
        lock (_countsLock)
        {
            switch (outcome)
            {
                case RecordOutcome.Imported:
                    _imported++;
                    break;
                case RecordOutcome.Skipped:
                    _skipped++;
                    break;
                default:
                    _failed++;
                    break;
            }

            _processed++;
            if (_processed % _options.ProgressEveryRecords == 0)
            {
                _milestones.Writer.TryWrite(ProgressLocked());
            }
        }

        if (error is not null)
        {
            LogRecordFailed(_logger, error.Line ?? 0, error.LineId, error.Code);
            await _output.Writer.WriteAsync(error, cancellationToken);
        }
    }

    /// <summary>Writes queued events as they come, a progress object at least every interval, then the summary.</summary>
    private async Task WriteAsync(PipeWriter response, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(response, new JsonWriterOptions { Encoder = _json.Encoder });
        var lastProgress = _clock.Elapsed;
        Task<bool>? waiting = null;
        Task<bool>? milestone = null;
        while (true)
        {
            waiting ??= _output.Reader.WaitToReadAsync(cancellationToken).AsTask();
            milestone ??= _milestones.Reader.WaitToReadAsync(cancellationToken).AsTask();
            var due = lastProgress + _options.ProgressInterval - _clock.Elapsed;
            if (!waiting.IsCompleted && !milestone.IsCompleted && due > TimeSpan.Zero)
            {
                await Task.WhenAny(waiting, milestone, Task.Delay(due, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (milestone.IsCompleted)
            {
                await milestone; // the objects themselves are taken below, with the counts' lock held
                milestone = null;
            }

            if (waiting.IsCompleted)
            {
                var more = await waiting;
                waiting = null;
                if (!more)
                {
                    break;
                }

                // At most a batch between flushes, so the unflushed response stays small however fast errors come.
                for (var written = 0; written < FlushEvery && _output.Reader.TryRead(out var item); written++)
                {
                    Write(json, response, item);
                }
            }

            if (WriteProgress(json, response, timed: _clock.Elapsed - lastProgress >= _options.ProgressInterval))
            {
                lastProgress = _clock.Elapsed;
            }

            if ((await response.FlushAsync(cancellationToken)).IsCompleted)
            {
                throw new OperationCanceledException("The client stopped reading the response.");
            }
        }

        WriteProgress(json, response, timed: false);
        ImportEvent summary;
        lock (_countsLock)
        {
            var elapsed = _clock.Elapsed;
            summary = new ImportEvent(
                ImportEventType.Summary, Processed: _processed, Imported: _imported, Skipped: _skipped, Failed: _failed,
                RatePerSecond: Rate(_processed, elapsed), ElapsedMs: (long)elapsed.TotalMilliseconds);
        }

        Write(json, response, summary);
        await response.FlushAsync(cancellationToken);
        LogFinished(_logger, summary.Processed!.Value, summary.Imported!.Value, summary.Skipped!.Value, summary.Failed!.Value, summary.ElapsedMs!.Value, summary.RatePerSecond!.Value);
    }

    /// <summary>
    /// Writes the queued every-N progress objects and, when <paramref name="timed"/>, a snapshot of the counts after them;
    /// true when it wrote any. Both are taken under the counts' lock: an every-N object not yet queued counts more records
    /// than the snapshot, so the counts written never go back.
    /// </summary>
    private bool WriteProgress(Utf8JsonWriter json, PipeWriter response, bool timed)
    {
        List<ImportEvent>? progress = null;
        lock (_countsLock)
        {
            while (_milestones.Reader.TryRead(out var milestone))
            {
                (progress ??= []).Add(milestone);
            }

            if (timed)
            {
                (progress ??= []).Add(ProgressLocked());
            }
        }

        if (progress is null)
        {
            return false;
        }

        foreach (var item in progress)
        {
            Write(json, response, item);
            LogProgress(item);
        }

        return true;
    }

    private void Write(Utf8JsonWriter json, PipeWriter response, ImportEvent item)
    {
        JsonSerializer.Serialize(json, item, _json);
        json.Flush();
        json.Reset();
        response.Write("\n"u8);
    }

    private ImportEvent ProgressLocked() => new(
        ImportEventType.Progress, Processed: _processed, Imported: _imported, Skipped: _skipped, Failed: _failed,
        RatePerSecond: Rate(_processed, _clock.Elapsed));

    private void LogProgress(ImportEvent p) =>
        LogProgress(_logger, p.Processed ?? 0, p.Imported ?? 0, p.Skipped ?? 0, p.Failed ?? 0, p.RatePerSecond ?? 0);

    private static double Rate(long records, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? Math.Round(records / elapsed.TotalSeconds, 1) : 0;

    private ImportEvent TooLong(long line) => new(
        ImportEventType.Error, line, null, ErrorCodes.LineTooLong, $"The line is longer than {_options.MaxLineBytes} bytes; it was skipped.", []);

    private static bool IsBlank(ReadOnlySequence<byte> text)
    {
        foreach (var segment in text)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import started ({Parallelism} records in flight)")]
    private static partial void LogStarted(ILogger logger, int parallelism);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import progress: {Processed} processed, {Imported} imported, {Skipped} skipped, {Failed} failed, {RatePerSecond} records/s")]
    private static partial void LogProgress(ILogger logger, long processed, long imported, long skipped, long failed, double ratePerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import finished: {Processed} processed, {Imported} imported, {Skipped} skipped, {Failed} failed in {ElapsedMs} ms ({RatePerSecond} records/s)")]
    private static partial void LogFinished(ILogger logger, long processed, long imported, long skipped, long failed, long elapsedMs, double ratePerSecond);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import aborted after {Processed} records: the client went away or its body broke off")]
    private static partial void LogAborted(ILogger logger, Exception exception, long processed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import failed unexpectedly and was stopped")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import body larger than {MaxBodyBytes} bytes; stopped reading after line {Line}")]
    private static partial void LogTooLarge(ILogger logger, long maxBodyBytes, long line);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Import line {Line} ({LineId}) failed: {Code}")]
    private static partial void LogRecordFailed(ILogger logger, long line, string? lineId, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import line {Line} ({LineId}): the cluster did not answer")]
    private static partial void LogRecordUnavailable(ILogger logger, Exception exception, long line, string lineId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import line {Line} ({LineId}) failed unexpectedly")]
    private static partial void LogRecordError(ILogger logger, Exception exception, long line, string lineId);
}
