using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Warranty.Api.Hosting;

/// <summary>
/// <c>Warranty.Api openapi FILE</c>: writes the OpenAPI document the service serves at <c>/openapi/v1.json</c> to FILE
/// (<c>-</c>: stdout) and exits, without listening, starting a silo or touching storage. Client teams generate from it
/// offline; the build of the client tests generates their client from it. The document is built by the same
/// application as the served one, with the same configuration (<c>Warranty:PublicUrl</c> names its server).
/// </summary>
public static class OpenApiExport
{
    public const string Name = "openapi";

    private const string Usage = "usage: openapi FILE   (FILE '-' writes to stdout)";

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    /// <summary>The target file, or null (with the usage on stderr) when the arguments are not <c>openapi FILE</c>.</summary>
    public static string? TargetOf(string[] args)
    {
        if (args is [Name, var file] && file.Length > 0)
        {
            return file;
        }

        Console.Error.WriteLine(Usage);
        return null;
    }

    /// <summary>What the export needs in place of a deployment's settings: nothing it builds is started or used.</summary>
    public static void Prepare(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Warranty:Storage"] = "memory",
            // Only to build the authentication services; the export signs and checks nothing.
            ["Warranty:Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });

        // The document may go to stdout: nothing else may.
        builder.Logging.ClearProviders();
    }

    public static async Task<int> WriteAsync(WebApplication app, string file)
    {
        // The application's endpoints join the routing (and so the API description) when its request pipeline is built
        // at start; the export does not start it, so it does that part alone.
        var pipeline = new ApplicationBuilder(app.Services);
        pipeline.UseRouting();
        pipeline.UseEndpoints(endpoints =>
        {
            foreach (var source in ((IEndpointRouteBuilder)app).DataSources)
            {
                endpoints.DataSources.Add(source);
            }
        });
        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
        var document = await provider.GetOpenApiDocumentAsync();
        await using var output = file == "-" ? Console.OpenStandardOutput() : File.Create(file);
        await document.SerializeAsJsonAsync(output, OpenApiSpecVersion.OpenApi3_1);
        return 0;
    }
}
