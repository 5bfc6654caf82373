using PhoneNumbers;

namespace CrisisOps.Server.Features.People;

/// <summary>
/// Validates phone numbers as registers write them (138 0013 8000, 010-5555 0000, +49 30 1234567) and writes them in
/// E.164, the form gateways take. Numbers without a country code belong to <c>People:DefaultPhoneRegion</c> (ISO 3166
/// code, default CN).
/// </summary>
public sealed class PhoneNumberRules
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public PhoneNumberRules(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        DefaultRegion = (configuration["People:DefaultPhoneRegion"] is { Length: > 0 } region ? region : "CN").ToUpperInvariant();
        if (!Util.GetSupportedRegions().Contains(DefaultRegion))
        {
            throw new InvalidOperationException($"People:DefaultPhoneRegion '{DefaultRegion}' is not a region libphonenumber knows.");
        }
    }

    public string DefaultRegion { get; }

    /// <summary>The number in E.164, or null with <paramref name="error"/> saying why it is no valid number.</summary>
    /// <param name="mobile">True for a mobile column: a number that can only be a landline is refused there (SMS would not reach it).</param>
    public string? Normalise(string text, bool mobile, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        PhoneNumber number;
        try
        {
            number = Util.Parse(text, DefaultRegion);
        }
        catch (NumberParseException)
        {
            error = $"'{text}' is not a phone number";
            return null;
        }

        if (!Util.IsValidNumber(number))
        {
            error = $"'{text}' is not a valid phone number (for numbers without +country code: {DefaultRegion})";
            return null;
        }

        if (mobile && Util.GetNumberType(number) == PhoneNumberType.FIXED_LINE)
        {
            error = $"'{text}' is a landline number, not a mobile";
            return null;
        }

        error = null;
        return Util.Format(number, PhoneNumberFormat.E164);
    }
}
