using System.Reflection;
using System.Text.RegularExpressions;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>
/// <see cref="ErrorCodes"/> is the one catalogue of the codes clients branch on (issue 13): each is a distinct snake_case
/// string, and the front door (src/Api) names them through it, never by spelling one again.
/// </summary>
public sealed partial class ErrorCodesTests
{
    private static readonly string[] Codes = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Every_code_is_distinct_snake_case()
    {
        Assert.All(Codes, code => Assert.Matches(SnakeCase(), code));
        Assert.Equal(Codes.Length, Codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_front_doors_own_answers_are_in_the_catalogue()
    {
        Assert.Subset(Codes.ToHashSet(), new HashSet<string>
        {
            "not_found", "method_not_allowed", "not_acceptable", "payload_too_large", "unsupported_media_type", "too_many_requests",
            "idempotency_key_in_flight", "unauthorized", "forbidden", "rate_limited", "overloaded", "unavailable", "internal_error",
            "line_exists_different", "device_exists_different", "line_too_long",
        });
    }

    [Fact]
    public void No_source_file_of_the_api_spells_a_code_itself()
    {
        var api = Path.Combine(RepositoryRoot(), "src", "Api");
        var spelled =
            from file in Directory.EnumerateFiles(api, "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(api, file)
            where !relative.StartsWith("bin", StringComparison.Ordinal) && !relative.StartsWith("obj", StringComparison.Ordinal)
            from line in File.ReadLines(file).Select((text, index) => (text, number: index + 1))
            from Match literal in StringLiteral().Matches(line.text)
            where Codes.Contains(literal.Groups[1].Value)
            select $"{relative}:{line.number}: \"{literal.Groups[1].Value}\"";

        Assert.Empty(spelled);
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Warranty.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException($"Warranty.sln not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("\"([a-z_]+)\"")]
    private static partial Regex StringLiteral();
}
