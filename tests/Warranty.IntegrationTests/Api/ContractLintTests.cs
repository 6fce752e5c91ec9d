using System.Diagnostics;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// Issue 11: the served OpenAPI document passes Redocly CLI (recommended rules) and Spectral (<c>spectral:oas</c>) with
/// no errors and no warnings. The linters are pinned in <c>tools/contract/package.json</c>; <c>./test.sh</c> installs
/// them (<c>npm ci</c>) when they are missing. Their configurations there turn a rule off only with a comment saying why.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractLintTests(ApiFactory factory, ITestOutputHelper output)
{
    private static string ToolFolder
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Warranty.sln")))
            {
                root = root.Parent;
            }

            return Path.Combine(root?.FullName ?? throw new InvalidOperationException("Warranty.sln not found"), "tools", "contract");
        }
    }

    private async Task<string> ServedDocumentAsync()
    {
        using var anonymous = factory.CreateClient();
        var text = await anonymous.GetStringAsync("/openapi/v1.json");
        var path = Path.Combine(Directory.CreateTempSubdirectory("warranty-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var executable = Path.Combine(ToolFolder, "node_modules", ".bin", tool);
        Assert.True(File.Exists(executable), $"{executable} is missing: run `npm ci --prefix tools/contract` (./test.sh does).");
        var start = new ProcessStartInfo(executable) { WorkingDirectory = ToolFolder };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(3));
        return (code, stdout + stderr);
    }

    [Fact]
    public async Task The_served_document_passes_Redocly_with_no_errors_and_no_warnings()
    {
        var document = await ServedDocumentAsync();
        var (code, text) = await RunAsync("redocly", "lint", document, "--config", Path.Combine(ToolFolder, "redocly.yaml"), "--format", "json");
        var json = text[text.IndexOf('{')..(text.LastIndexOf('}') + 1)];
        var totals = JsonNode.Parse(json)!["totals"]!;
        output.WriteLine($"Redocly: {totals["errors"]} errors, {totals["warnings"]} warnings (exit {code})");
        Assert.True(totals["errors"]!.GetValue<int>() == 0 && totals["warnings"]!.GetValue<int>() == 0, text);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task The_served_document_passes_Spectral_with_no_errors_and_no_warnings()
    {
        var document = await ServedDocumentAsync();
        var (code, text) = await RunAsync("spectral", "lint", document, "--ruleset", Path.Combine(ToolFolder, ".spectral.yaml"), "--format", "json", "--fail-severity", "hint");
        var json = text[text.IndexOf('[')..(text.LastIndexOf(']') + 1)];
        var problems = JsonNode.Parse(json)!.AsArray();
        output.WriteLine($"Spectral: {problems.Count} problems (exit {code})");
        Assert.True(problems.Count == 0, text);
        Assert.Equal(0, code);
    }
}
