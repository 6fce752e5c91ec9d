using System.Diagnostics;
using System.Globalization;

namespace Warranty.LoadTest.Reporting;

/// <summary>
/// done/total, rate and ETA on stderr: redrawn in place on a terminal (4 times a second), one line every
/// few seconds when stderr is redirected (a log, a test), so logs stay readable.
/// </summary>
public sealed class ProgressBar : IAsyncDisposable
{
    private const int Width = 30;

    private readonly string _label;
    private readonly long _total;
    private readonly Func<long> _done;
    private readonly Func<string>? _detail;
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string? _last;
    private int _width;

    /// <param name="detail">Replaces the rate and ETA when given (e.g. a run's progress in seconds, where a rate means nothing).</param>
    public ProgressBar(string label, long total, Func<long> done, Func<string>? detail = null, TextWriter? writer = null, bool? interactive = null)
    {
        _detail = detail;
        _label = label;
        _total = total;
        _done = done;
        _writer = writer ?? Console.Error;
        _interactive = interactive ?? !Console.IsErrorRedirected;
        _loop = Task.Run(LoopAsync);
    }

    public static string Render(string label, long done, long total, TimeSpan elapsed)
    {
        var fraction = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var eta = rate > 0 && done < total ? FormatTime(TimeSpan.FromSeconds((total - done) / rate)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {done:N0}/{total:N0} {fraction * 100,5:0.0}%  {rate,8:N0}/s  ETA {eta}");
    }

    public static string RenderBar(string label, long done, long total)
    {
        var fraction = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture, $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {fraction * 100,5:0.0}%");
    }

    public static string FormatTime(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:D2}:{span.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes:D2}:{span.Seconds:D2}");

    private async Task LoopAsync()
    {
        var period = _interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Draw(final: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Draw(bool final)
    {
        var line = _detail is null ? Render(_label, _done(), _total, _clock.Elapsed) : RenderBar(_label, _done(), _total) + "  " + _detail();
        if (_interactive)
        {
            // Pad to the longest line so far: a shorter line must not leave the tail of a longer one on screen.
            _width = Math.Max(_width, line.Length);
            _writer.Write("\r" + line.PadRight(_width) + (final ? Environment.NewLine : ""));
        }
        else if (line != _last)
        {
            _writer.WriteLine(line);
        }

        _last = line;

        _writer.Flush();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Draw(final: true);
        _stop.Dispose();
    }
}
