using System.Security.Cryptography;

namespace Warranty.Api.Http.Auth;

/// <summary>The key that signs and checks tokens, and where it came from.</summary>
/// <param name="DevelopmentFile">The development key file it was read from; null for a configured key.</param>
/// <param name="Created">True when this process created <paramref name="DevelopmentFile"/>.</param>
public sealed record SigningKey(byte[] Bytes, string? DevelopmentFile, bool Created);

/// <summary>
/// The one key-source rule, shared by the service and <c>dev-token</c>: a configured
/// <c>Warranty:Auth:SigningKey</c> wins; without one, the Development environment uses the development
/// key file (created on first use: 32 random bytes, base64, mode 0600); any other environment fails.
/// </summary>
public static class SigningKeys
{
    public static SigningKey Resolve(AuthOptions options, IHostEnvironment environment)
    {
        if (options.Problems(environment) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        return options.HasSigningKey
            ? new SigningKey(Decode(options.SigningKey!)!, null, false)
            : ReadOrCreateDevelopmentKey(options.DevelopmentKeyFile);
    }

    /// <summary>The key's bytes, or null when <paramref name="base64"/> is not base64 of at least 32 bytes.</summary>
    public static byte[]? Decode(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length >= AuthOptions.MinKeyBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static SigningKey ReadOrCreateDevelopmentKey(string path)
    {
        var created = !File.Exists(path) && TryCreate(path);
        return Decode(File.ReadAllText(path)) is { } bytes
            ? new SigningKey(bytes, path, created)
            : throw new InvalidOperationException(
                $"The development signing key file {path} does not hold base64 of at least {AuthOptions.MinKeyBytes} bytes: " +
                $"delete it to have a new one created, or set {AuthOptions.SigningKeyEnvironmentVariable}.");
    }

    /// <summary>
    /// Writes a new key to a private temporary file, then moves it into place without replacing: two
    /// processes starting at once end up with the same key, and no one ever reads a half-written file.
    /// </summary>
    private static bool TryCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, file))
        {
            writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(AuthOptions.MinKeyBytes)));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}
