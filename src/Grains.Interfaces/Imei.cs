namespace Warranty.Grains.Interfaces;

/// <summary>REG-3: an IMEI is 15 digits whose last digit is the Luhn check digit; its first 8 are the TAC.</summary>
public static class Imei
{
    public const int Length = 15;

    public static bool IsValid(string? imei)
    {
        if (imei is null || imei.Length != Length)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            var c = imei[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            var digit = c - '0';
            // Luhn: from the right, every second digit (here: odd indexes of 15) is doubled.
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    public static string TacOf(string imei) => imei[..8];

    public static bool IsValidTac(string? tac) => tac is { Length: 8 } && tac.All(char.IsAsciiDigit);

    /// <summary>Appends the Luhn check digit to 14 digits (for tests, tools and seeding).</summary>
    public static string WithCheckDigit(string fourteenDigits)
    {
        for (var d = 0; d <= 9; d++)
        {
            var candidate = fourteenDigits + (char)('0' + d);
            if (IsValid(candidate))
            {
                return candidate;
            }
        }

        throw new ArgumentException("Expected 14 digits.", nameof(fourteenDigits));
    }
}
