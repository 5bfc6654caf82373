namespace CrisisOps.Domain.Ledger;

/// <summary>
/// The private side of a pseudonym: the person staff recorded, whom the public ledger shows only as
/// <see cref="Pseudonym"/>. Names and contacts are read by holders of the matching permission, and every read is
/// journaled. The same person (same normalised name and contact) is the same row.
/// </summary>
public abstract class PseudonymousPerson
{
    protected PseudonymousPerson() { }

    protected PseudonymousPerson(Guid id, Pseudonym pseudonym, PseudonymRole role, PersonDetails person, DateTimeOffset now, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        ArgumentNullException.ThrowIfNull(person);
        if (pseudonym.Role != role)
        {
            throw new ArgumentException($"The pseudonym {pseudonym.Value} is a {pseudonym.Role}'s, not a {role}'s.", nameof(pseudonym));
        }

        Id = id;
        Pseudonym = pseudonym.Value;
        Name = person.Name;
        Contact = person.Contact;
        FirstSeenAt = now;
        RecordedBy = recordedBy;
    }

    public Guid Id { get; private set; }

    /// <summary>The role's letter (<c>D-</c>, <c>P-</c>) and 10 base32 characters; unique.</summary>
    public string Pseudonym { get; private set; } = "";

    /// <summary>As first given; a later record written differently but normalising the same does not change it.</summary>
    public string Name { get; private set; } = "";

    public string Contact { get; private set; } = "";

    public DateTimeOffset FirstSeenAt { get; private set; }

    public string RecordedBy { get; private set; } = "";
}

/// <summary>A person who gave (table <c>donors</c>, pseudonym <c>D-…</c>); read with <c>ReadDonors</c>.</summary>
public sealed class Donor : PseudonymousPerson
{
    private Donor() { }

    public Donor(Guid id, Pseudonym pseudonym, PersonDetails person, DateTimeOffset now, string recordedBy)
        : base(id, pseudonym, PseudonymRole.Donor, person, now, recordedBy)
    {
    }
}

/// <summary>A person paid compensation (table <c>compensation_payees</c>, pseudonym <c>P-…</c>); never published.</summary>
public sealed class Payee : PseudonymousPerson
{
    private Payee() { }

    public Payee(Guid id, Pseudonym pseudonym, PersonDetails person, DateTimeOffset now, string recordedBy)
        : base(id, pseudonym, PseudonymRole.Payee, person, now, recordedBy)
    {
    }
}
