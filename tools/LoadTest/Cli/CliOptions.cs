using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Warranty.LoadTest.Http;

namespace Warranty.LoadTest.Cli;

/// <summary>A bad command line found after parsing (options that do not fit together): printed with a hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A duration option's value: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
public readonly record struct Duration(TimeSpan Value)
{
    public static implicit operator TimeSpan(Duration duration) => duration.Value;

    /// <summary>As it is written on the command line (the help shows defaults this way).</summary>
    public override string ToString() => Value switch
    {
        { TotalHours: >= 1 } when Value.TotalHours == Math.Floor(Value.TotalHours) => $"{Value.TotalHours:0}h",
        { TotalMinutes: >= 1 } when Value.TotalMinutes == Math.Floor(Value.TotalMinutes) => $"{Value.TotalMinutes:0}m",
        { TotalSeconds: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{Value.TotalSeconds:0.###}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Value.TotalMilliseconds:0.###}ms"),
    };

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
    public static TimeSpan? Parse(string text)
    {
        text = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && double.IsFinite(n) && n >= 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && double.IsFinite(plain) && plain >= 0
            ? TimeSpan.FromSeconds(plain)
            : null;
    }
}

/// <summary>
/// The kinds of option the commands take (System.CommandLine), each declared once with its name, help, default and
/// range: a value out of range, malformed or missing is a parse error naming the option (exit code 2).
/// </summary>
public static class CliOptions
{
    /// <summary>A text; with <paramref name="fallback"/> it has that default, else it is unset (null) unless <paramref name="required"/>.</summary>
    public static Option<string> Text(string name, string description, string? fallback = null, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return option;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> (<c>1_000</c> is 1000), default <paramref name="fallback"/>.</summary>
    public static Option<int> Whole(string name, string description, int fallback, int min, int max) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback, CustomParser = r => ParseWhole(r, name, min, max) ?? fallback };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> without a default: null when not given.</summary>
    public static Option<int?> OptionalWhole(string name, string description, int min, int max, bool required = false) =>
        new(name) { Description = description, Required = required, CustomParser = r => ParseWhole(r, name, min, max) };

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>, default <paramref name="fallback"/>.</summary>
    public static Option<double> Number(string name, string description, double fallback, double min, double max) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback, CustomParser = r => ParseNumber(r, name, min, max) ?? fallback };

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> without a default: null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max) =>
        new(name) { Description = description, CustomParser = r => ParseNumber(r, name, min, max) };

    /// <summary>A duration (<see cref="Duration.Parse"/>) from <paramref name="min"/> to <paramref name="max"/>, default <paramref name="fallback"/>.</summary>
    public static Option<Duration> Time(string name, string description, TimeSpan fallback, TimeSpan min, TimeSpan max) =>
        new(name)
        {
            Description = description,
            HelpName = "D",
            DefaultValueFactory = _ => new Duration(fallback),
            CustomParser = r => ParseDuration(r, name, min, max) is { } value ? new Duration(value) : new Duration(fallback),
        };

    /// <summary>The service's URL: absolute http(s), on this machine only (<see cref="Target.Parse"/>).</summary>
    public static Option<Uri> Url(string name, string description, bool required = true) =>
        new(name)
        {
            Description = description,
            Required = required,
            HelpName = "URL",
            CustomParser = r =>
            {
                try
                {
                    return Target.Parse(Single(r));
                }
                catch (UsageException e)
                {
                    r.AddError(e.Message);
                    return null;
                }
            },
        };

    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static int? ParseWhole(ArgumentResult result, string name, int min, int max) =>
        ParseInRange(result, name, "a whole number", min, max,
            text => int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null);

    private static double? ParseNumber(ArgumentResult result, string name, double min, double max) =>
        ParseInRange(result, name, "a number", min, max,
            text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null);

    private static T? ParseInRange<T>(ArgumentResult result, string name, string kind, T min, T max, Func<string, T?> parse)
        where T : struct, IComparable<T>
    {
        var text = Single(result);
        if (parse(text) is not { } value)
        {
            result.AddError($"{name} must be {kind}, not '{text}'.");
            return null;
        }

        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            result.AddError($"{name} must be between {min} and {max}, not {value}.");
            return null;
        }

        return value;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result, string name, TimeSpan min, TimeSpan max)
    {
        var text = Single(result);
        if (Duration.Parse(text) is not { } value)
        {
            result.AddError($"{name} must be a duration such as 30s, 500ms, 2m or 1h, not '{text}'.");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError($"{name} must be between {min.TotalSeconds}s and {max.TotalSeconds}s, not {text}.");
            return null;
        }

        return value;
    }
}
