using ScottPlot;

namespace Warranty.LoadTest.Reporting;

/// <summary>A PNG of a run over time: throughput (left axis) and latency p50 / p99 (right axis, log scale off), warmup shaded.</summary>
public static class ChartRenderer
{
    public static void Render(RunResult result, string path, int width = 1200, int height = 600)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var series = result.TimeSeries.Where(s => !s.AfterEnd).ToArray();
        var xs = series.Select(s => s.Second + 0.5).ToArray();

        var plot = new Plot();
        plot.Title(result.Mode == "open"
            ? $"Open loop at {result.Rate:N0} req/s, {result.Distribution} ({result.Subscribers:N0} subscribers)"
            : $"Closed loop, concurrency {result.Concurrency}, {result.Distribution} ({result.Subscribers:N0} subscribers)");
        plot.XLabel("time (s)");
        plot.Axes.Left.Label.Text = "throughput (req/s)";
        plot.Axes.Right.Label.Text = "latency (ms)";

        if (result.WarmupSeconds > 0)
        {
            var warmup = plot.Add.HorizontalSpan(0, result.WarmupSeconds);
            warmup.FillStyle.Color = Colors.Gray.WithAlpha(0.15);
            warmup.LineStyle.Width = 0;
            warmup.LegendText = "warmup";
        }

        var throughput = plot.Add.Scatter(xs, series.Select(s => s.Throughput).ToArray());
        throughput.LegendText = "throughput (req/s)";
        throughput.Color = Colors.SteelBlue;
        throughput.LineWidth = 2;
        throughput.MarkerSize = 0;

        var latencyPoints = series.Where(s => s.P50 is not null).ToArray();
        var lx = latencyPoints.Select(s => s.Second + 0.5).ToArray();
        var p50 = plot.Add.Scatter(lx, latencyPoints.Select(s => s.P50!.Value).ToArray());
        p50.LegendText = "p50 (ms)";
        p50.Color = Colors.SeaGreen;
        p50.LineWidth = 2;
        p50.MarkerSize = 0;
        p50.Axes.YAxis = plot.Axes.Right;

        var p99 = plot.Add.Scatter(lx, latencyPoints.Select(s => s.P99!.Value).ToArray());
        p99.LegendText = "p99 (ms)";
        p99.Color = Colors.OrangeRed;
        p99.LineWidth = 2;
        p99.MarkerSize = 0;
        p99.Axes.YAxis = plot.Axes.Right;

        plot.Axes.AutoScale();
        var maxThroughput = series.Length == 0 ? 1 : Math.Max(1, series.Max(s => s.Throughput));
        plot.Axes.SetLimitsY(0, maxThroughput * 1.15, plot.Axes.Left);
        var maxLatency = latencyPoints.Length == 0 ? 1 : Math.Max(0.1, latencyPoints.Max(s => s.P99!.Value));
        plot.Axes.SetLimitsY(0, maxLatency * 1.15, plot.Axes.Right);
        plot.Axes.SetLimitsX(0, Math.Max(1, result.WarmupSeconds + result.DurationSeconds));
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(full, width, height);
    }
}
