namespace CrisisOps.Domain;

/// <summary>
/// A business rule refused an action. <see cref="Code"/> is a stable, kebab-case identifier
/// that the API turns into the problem-details <c>type</c>; the message is for people.
/// </summary>
public class DomainException : Exception
{
    public DomainException(string code, string message)
        : base(message) => Code = code;

    public DomainException() : this("domain-error", "A business rule was broken.") { }

    public DomainException(string message) : this("domain-error", message) { }

    public DomainException(string message, Exception innerException)
        : base(message, innerException) => Code = "domain-error";

    /// <summary>Stable identifier of the broken rule, e.g. <c>illegal-status-change</c>.</summary>
    public string Code { get; } = "domain-error";

    /// <summary>
    /// True when the rule is about the current state rather than the input (already acknowledged,
    /// nothing left to claim): the API answers 409 instead of 422.
    /// </summary>
    public bool IsConflict { get; init; }

    /// <summary>A refusal because of the current state (see <see cref="IsConflict"/>).</summary>
    public static DomainException Conflict(string code, string message) => new(code, message) { IsConflict = true };
}

/// <summary>A named business rule, checked by the aggregate method it guards.</summary>
public interface IBusinessRule
{
    /// <summary>Stable identifier reported when the rule is broken.</summary>
    string Code { get; }

    /// <summary>What the rule says, for the person who broke it.</summary>
    string Message { get; }

    /// <summary>True when the action the rule guards must not happen.</summary>
    bool IsBroken();
}

public static class BusinessRules
{
    /// <summary>Throws <see cref="DomainException"/> when <paramref name="rule"/> is broken.</summary>
    /// <exception cref="DomainException">The rule is broken.</exception>
    public static void Check(IBusinessRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.IsBroken())
        {
            throw new DomainException(rule.Code, rule.Message);
        }
    }
}
