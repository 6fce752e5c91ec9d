using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// <c>Warranty.Api dev-token ROLE [LINEID]</c>: prints one bearer token, valid 12 hours, signed with the key
/// the service would use here (<see cref="SigningKeys.Resolve"/>: a configured <c>Warranty:Auth:SigningKey</c>,
/// else in Development the development key file). Nothing else goes to stdout, so
/// <c>TOKEN=$(… dev-token admin)</c> works. Bad usage: a message on stderr and exit code 2.
/// </summary>
public static class DevTokenCommand
{
    public const string Name = "dev-token";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const string Usage =
        "usage: dev-token ROLE [LINEID]\n" +
        "  ROLE: admin | operator | network | subscriber; LINEID (required for subscriber, refused otherwise): the line the token is bound to.\n" +
        "  Signs with Warranty:Auth:SigningKey (Warranty__Auth__SigningKey) when set, else, in the Development environment, the development key file.";

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    public static int Run(string[] args)
    {
        if (Parse(args) is not { } parsed)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var (role, lineId) = parsed;

        // Configuration and environment exactly as the service reads them; no host is built, nothing starts.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        var options = Settings.Bind<AuthOptions>(builder.Configuration);
        SigningKey key;
        try
        {
            key = SigningKeys.Resolve(options, builder.Environment);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"dev-token: {ex.Message}");
            return 1;
        }

        if (key.Created)
        {
            Console.Error.WriteLine($"dev-token: created the development signing key file {key.DevelopmentFile}");
        }

        var subject = lineId is null ? $"dev-{role}" : $"dev-subscriber-{lineId}";
        Console.Out.WriteLine(Tokens.Create(key, options, subject, role, lineId, DateTimeOffset.UtcNow, Lifetime));
        return 0;
    }

    private static (string Role, string? LineId)? Parse(string[] args)
    {
        switch (args)
        {
            case [Name, Roles.Subscriber, var lineId] when RequestReader.IsLineId(lineId):
                return (Roles.Subscriber, lineId);
            case [Name, Roles.Subscriber, ..]:
                Console.Error.WriteLine("dev-token: a subscriber token needs the LINEID it is bound to (1–32 of A-Z a-z 0-9 -).");
                return null;
            case [Name, var role] when Roles.All.Contains(role):
                return (role, null);
            case [Name, var role, _] when Roles.All.Contains(role):
                Console.Error.WriteLine($"dev-token: only a subscriber token takes a LINEID, not {role}.");
                return null;
            default:
                return null;
        }
    }
}
