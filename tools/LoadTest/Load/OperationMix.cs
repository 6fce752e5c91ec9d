using System.Globalization;
using Warranty.LoadTest.Cli;

namespace Warranty.LoadTest.Load;

/// <summary>
/// The share of each operation, from <c>coverage=90,read=5,usage=4,claim=1</c> (weights, normalised).
/// <c>read</c> is split evenly between a line read and a claims read; <c>line</c> and <c>claims</c> set them apart.
/// </summary>
public sealed class OperationMix
{
    public const string Default = "coverage=90,read=5,usage=4,claim=1";

    private readonly double[] _cumulative;

    private OperationMix(double[] weights)
    {
        Weights = weights;
        _cumulative = new double[weights.Length];
        var sum = weights.Sum();
        var running = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            running += weights[i] / sum;
            _cumulative[i] = running;
        }

        _cumulative[^1] = 1.0;
    }

    /// <summary>Weights indexed by <see cref="Operation"/>.</summary>
    public IReadOnlyList<double> Weights { get; }

    public double Share(Operation operation) => Weights[(int)operation] / Weights.Sum();

    public static OperationMix Parse(string text)
    {
        var weights = new double[Operations.All.Length];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0 || !double.IsFinite(weight))
            {
                throw new UsageException($"--mix: '{part}' is not name=weight (for example {Default}).");
            }

            switch (pieces[0].ToLowerInvariant())
            {
                case "coverage":
                    weights[(int)Operation.Coverage] += weight;
                    break;
                case "read":
                    weights[(int)Operation.ReadLine] += weight / 2;
                    weights[(int)Operation.ReadClaims] += weight / 2;
                    break;
                case "line":
                    weights[(int)Operation.ReadLine] += weight;
                    break;
                case "claims":
                    weights[(int)Operation.ReadClaims] += weight;
                    break;
                case "usage":
                    weights[(int)Operation.Usage] += weight;
                    break;
                case "claim":
                    weights[(int)Operation.Claim] += weight;
                    break;
                case "withdraw":
                    weights[(int)Operation.Withdraw] += weight;
                    break;
                default:
                    throw new UsageException($"--mix: unknown operation '{pieces[0]}' (coverage, read, line, claims, usage, claim, withdraw).");
            }
        }

        return weights.Sum() > 0 ? new OperationMix(weights) : throw new UsageException("--mix: at least one weight must be above 0.");
    }

    /// <summary>The operation for a uniform draw <paramref name="u"/> in [0, 1).</summary>
    public Operation Pick(double u)
    {
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (u < _cumulative[i] && Weights[i] > 0)
            {
                return (Operation)i;
            }
        }

        // Rounding at the top end: the last operation that has a weight.
        for (var i = Weights.Count - 1; i >= 0; i--)
        {
            if (Weights[i] > 0)
            {
                return (Operation)i;
            }
        }

        return Operation.Coverage;
    }

    public override string ToString() => string.Join(",", Operations.All.Where(o => Weights[(int)o] > 0)
        .Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name()}={Share(o) * 100:0.##}%")));
}
