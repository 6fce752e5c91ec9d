using System.Globalization;

namespace Warranty.LoadTest.Cli;

/// <summary>A bad command line: the message is printed with a hint, and the process exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A hand-rolled parser for <c>--name value</c>, <c>--name=value</c> and <c>--flag</c>. Every option must be
/// declared; an unknown or repeated option, a missing value or a malformed number is a <see cref="UsageException"/>.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    public bool Help { get; private set; }

    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                parsed.Help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flagOptions.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"--{name} takes no value.");
                }

                parsed._flags.Add(name);
                continue;
            }

            if (!valueOptions.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            if (!parsed._values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice.");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name) || _flags.Contains(name);

    public bool Flag(string name) => _flags.Contains(name);

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string String(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public string Required(string name) =>
        _values.GetValueOrDefault(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (_values.GetValueOrDefault(name) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"--{name} must be a whole number, not '{text}'.");
        }

        return value < min || value > max
            ? throw new UsageException($"--{name} must be between {min} and {max}, not {value}.")
            : value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        if (_values.GetValueOrDefault(name) is not { } text)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new UsageException($"--{name} must be a number, not '{text}'.");
        }

        return value < min || value > max
            ? throw new UsageException($"--{name} must be between {min} and {max}, not {value}.")
            : value;
    }

    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (_values.GetValueOrDefault(name) is not { } text)
        {
            return fallback;
        }

        var value = ParseDuration(text) ?? throw new UsageException($"--{name} must be a duration such as 30s, 500ms, 2m or 1h, not '{text}'.");
        return value < min || value > max
            ? throw new UsageException($"--{name} must be between {min.TotalSeconds}s and {max.TotalSeconds}s, not {text}.")
            : value;
    }

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
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
