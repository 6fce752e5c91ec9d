using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Warranty.Grains.Storage;

/// <summary>
/// One numbered schema script, embedded from <c>Storage/Sql/&lt;engine&gt;/NNNN_name.sql</c>
/// (the resource is named <c>WarrantySql/&lt;engine&gt;/NNNN_name.sql</c>, see Grains.csproj).
/// </summary>
public sealed partial record SchemaScript(int Version, string Name, string Sql)
{
    private const string ResourcePrefix = "WarrantySql/";

    /// <summary>SHA-256 of the script text, recorded when applied, so a later edit of an applied script is noticed.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The scripts for one engine, in version order.</summary>
    public static IReadOnlyList<SchemaScript> For(StorageKind kind) => kind switch
    {
        StorageKind.Postgres => Load("postgres"),
        StorageKind.Sqlite => Load("sqlite"),
        _ => [],
    };

    private static IReadOnlyList<SchemaScript> Load(string engine)
    {
        var assembly = typeof(SchemaScript).Assembly;
        var prefix = ResourcePrefix + engine + "/";
        var scripts = new List<SchemaScript>();

        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = normalized[prefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Schema script '{fileName}' for {engine} is not named NNNN_name.sql (e.g. 0003_claims.sql).");
            }

            scripts.Add(new SchemaScript(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                Read(assembly, resource)));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Two {engine} schema scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }

        return [.. scripts.OrderBy(s => s.Version)];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' could not be opened.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
