using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class ImeiTests
{
    [Theory]
    [InlineData("490154203237518")]
    [InlineData("356938035643809")]
    [InlineData("000000000000000")]
    public void REG_3_fifteen_digits_with_a_valid_luhn_check_digit_is_valid(string imei)
    {
        Assert.True(Imei.IsValid(imei));
    }

    [Theory]
    [InlineData("490154203237510")]
    [InlineData("490154203237511")]
    [InlineData("490154203237512")]
    [InlineData("490154203237513")]
    [InlineData("490154203237514")]
    [InlineData("490154203237515")]
    [InlineData("490154203237516")]
    [InlineData("490154203237517")]
    [InlineData("490154203237519")]
    public void REG_3_a_wrong_check_digit_is_malformed(string imei)
    {
        Assert.False(Imei.IsValid(imei));
    }

    [Fact]
    public void REG_3_a_single_changed_digit_or_swapped_neighbours_are_malformed()
    {
        // Luhn detects any single-digit error and most transpositions of adjacent digits.
        Assert.False(Imei.IsValid("490154203237528"));
        Assert.False(Imei.IsValid("940154203237518"));
        Assert.False(Imei.IsValid("491054203237518"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("49015420323751")]
    [InlineData("4901542032375180")]
    [InlineData("49015420323751a")]
    [InlineData("49015420323751 ")]
    [InlineData(" 49015420323751")]
    [InlineData("4901542032-7518")]
    [InlineData("４９０１５４２０３２３７５１８")]
    [InlineData("49015420323751８")]
    public void REG_3_anything_but_fifteen_ascii_digits_is_malformed(string? imei)
    {
        Assert.False(Imei.IsValid(imei));
    }

    [Fact]
    public void REG_3_the_luhn_doubling_applies_to_every_second_digit_from_the_right()
    {
        // 15 digits with a single 1 at index 13 (doubled → 2) need check digit 8; at index 12 (not doubled) need 9.
        Assert.True(Imei.IsValid("000000000000018"));
        Assert.False(Imei.IsValid("000000000000019"));
        Assert.True(Imei.IsValid("000000000000109"));
        Assert.False(Imei.IsValid("000000000000108"));
        // A doubled digit over 9 has 9 subtracted: 5 → 10 → 1, so the check digit is 9.
        Assert.True(Imei.IsValid("000000000000059"));
    }

    [Theory]
    [InlineData("49015420323751", "490154203237518")]
    [InlineData("35693803564380", "356938035643809")]
    [InlineData("00000000000001", "000000000000018")]
    public void REG_3_WithCheckDigit_appends_the_luhn_digit(string fourteen, string expected)
    {
        var imei = Imei.WithCheckDigit(fourteen);

        Assert.Equal(expected, imei);
        Assert.True(Imei.IsValid(imei));
    }

    [Theory]
    [InlineData("4901542032375")]
    [InlineData("490154203237518")]
    [InlineData("4901542032375a")]
    public void REG_3_WithCheckDigit_refuses_anything_but_fourteen_digits(string input)
    {
        Assert.Throws<ArgumentException>(() => Imei.WithCheckDigit(input));
    }

    [Fact]
    public void REG_3_the_TAC_is_the_first_eight_digits()
    {
        Assert.Equal("49015420", Imei.TacOf("490154203237518"));
    }

    [Theory]
    [InlineData("49015420", true)]
    [InlineData("00000000", true)]
    [InlineData("4901542", false)]
    [InlineData("490154203", false)]
    [InlineData("4901542a", false)]
    [InlineData("４９０１５４２０", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void REG_3_a_TAC_is_exactly_eight_ascii_digits(string? tac, bool expected)
    {
        Assert.Equal(expected, Imei.IsValidTac(tac));
    }
}
