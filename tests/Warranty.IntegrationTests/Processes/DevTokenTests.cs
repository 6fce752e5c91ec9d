using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// The built service as a process: <c>Warranty.Api.dll dev-token ROLE [LINEID]</c> prints one token the
/// running service accepts, with a configured key or the Development key file; outside Development a
/// service without a key does not start. Memory storage: no PostgreSQL.
/// </summary>
public sealed class DevTokenTests
{
    [Fact]
    public async Task Dev_token_prints_one_line_that_the_service_with_the_same_key_accepts()
    {
        var settings = new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__Auth__SigningKey"] = TestTokens.SigningKey };
        await using var service = await ServiceProcess.StartAsync(settings);

        var (exit, stdout, stderr) = await DevTokenAsync(settings, "operator");

        Assert.True(exit == 0, stderr);
        var token = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", stderr);
        var claims = Payload(token);
        Assert.Equal(("dev-operator", "operator", "warranty", "warranty-api"), (claims.Str("sub"), claims.Str("role"), claims.Str("iss"), claims.Str("aud")));
        Assert.Equal(12 * 3600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());

        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token.Trim());
        var (status, problem) = await http.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}");
        Assert.True(status == HttpStatusCode.NotFound, $"{(int)status} {problem?.ToJsonString()}");
        Assert.Equal("line_not_found", problem.Code());
    }

    [Fact]
    public async Task In_development_the_service_and_dev_token_share_a_key_file_created_on_first_start()
    {
        var folder = Directory.CreateTempSubdirectory("warranty-dev-key-");
        try
        {
            var keyFile = Path.Combine(folder.FullName, "nested", "warranty-dev-signing-key");
            var settings = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Warranty__Storage"] = "memory",
                ["Warranty__Auth__SigningKey"] = "",
                ["Warranty__Auth__DevelopmentKeyFile"] = keyFile,
            };
            await using var service = await ServiceProcess.StartAsync(settings);

            Assert.True(File.Exists(keyFile), service.Output);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
            Assert.Contains("Warranty:Auth:SigningKey", service.Output);
            var lineId = TestData.NewLineId();
            var (exit, stdout, stderr) = await DevTokenAsync(settings, "subscriber", lineId);
            Assert.True(exit == 0, stderr);
            Assert.Equal($"dev-subscriber-{lineId}", Payload(stdout.Trim()).Str("sub"));

            using var http = new HttpClient { BaseAddress = service.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new("Bearer", stdout.Trim());
            AssertCode(await http.GetJsonAsync($"/v1/lines/{lineId}"), HttpStatusCode.NotFound, "line_not_found");
            AssertCode(await http.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}"), HttpStatusCode.Forbidden, "forbidden");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("root")]
    [InlineData("subscriber")]
    [InlineData("subscriber", "not/a/line")]
    [InlineData("operator", "L-1")]
    [InlineData("admin", "extra", "arguments")]
    public async Task Bad_usage_prints_a_message_on_stderr_nothing_on_stdout_and_exits_2(params string[] arguments)
    {
        var settings = new Dictionary<string, string> { ["Warranty__Auth__SigningKey"] = TestTokens.SigningKey };

        var (exit, stdout, stderr) = await DevTokenAsync(settings, [.. arguments.Where(a => a.Length > 0)]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("usage: dev-token ROLE [LINEID]", stderr);
    }

    [Fact]
    public async Task Outside_development_without_a_key_neither_the_service_nor_dev_token_starts_and_both_name_the_setting()
    {
        var settings = new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__Auth__SigningKey"] = "" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(settings));
        var (exit, stdout, stderr) = await DevTokenAsync(settings, "admin");

        Assert.Contains("Warranty__Auth__SigningKey", refused.Message);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Warranty__Auth__SigningKey", stderr);
    }

    private static void AssertCode((HttpStatusCode Status, JsonNode? Body) response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == status, $"expected {(int)status}, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Equal(code, response.Body.Code());
    }

    private static JsonNode Payload(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')))!;
    }

    /// <summary>Runs <c>dotnet Warranty.Api.dll dev-token …</c> as the lead would, in the environment of a service started with <paramref name="settings"/>.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> DevTokenAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        ServiceProcess.RunCommandAsync(settings, ["dev-token", .. arguments]);
}
