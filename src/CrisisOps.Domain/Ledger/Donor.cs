namespace CrisisOps.Domain.Ledger;

/// <summary>
/// A person who gave, as staff recorded them: the private side of a donor pseudonym (table <c>donors</c>). The
/// public ledger shows only <see cref="Pseudonym"/>; the name and contact are read by holders of <c>ReadDonors</c>,
/// and every read is journaled. A repeat donor (same normalised name and contact) is the same row.
/// </summary>
public sealed class Donor
{
    private Donor() { }

    public Donor(Guid id, Pseudonym pseudonym, PersonDetails person, DateTimeOffset now, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        ArgumentNullException.ThrowIfNull(person);
        if (pseudonym.Role != PseudonymRole.Donor)
        {
            throw new ArgumentException("A donor's pseudonym starts with D-.", nameof(pseudonym));
        }

        Id = id;
        Pseudonym = pseudonym.Value;
        Name = person.Name;
        Contact = person.Contact;
        FirstSeenAt = now;
        RecordedBy = recordedBy;
    }

    public Guid Id { get; private set; }

    /// <summary><c>D-</c> and 10 base32 characters; unique.</summary>
    public string Pseudonym { get; private set; } = "";

    /// <summary>As first given; a later gift written differently but normalising the same does not change it.</summary>
    public string Name { get; private set; } = "";

    public string Contact { get; private set; } = "";

    public DateTimeOffset FirstSeenAt { get; private set; }

    public string RecordedBy { get; private set; } = "";
}

/// <summary>
/// A person paid compensation, the private side of a <c>P-</c> pseudonym (table <c>compensation_payees</c>); like
/// <see cref="Donor"/>, never published.
/// </summary>
public sealed class Payee
{
    private Payee() { }

    public Payee(Guid id, Pseudonym pseudonym, PersonDetails person, DateTimeOffset now, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        ArgumentNullException.ThrowIfNull(person);
        if (pseudonym.Role != PseudonymRole.Payee)
        {
            throw new ArgumentException("A payee's pseudonym starts with P-.", nameof(pseudonym));
        }

        Id = id;
        Pseudonym = pseudonym.Value;
        Name = person.Name;
        Contact = person.Contact;
        FirstSeenAt = now;
        RecordedBy = recordedBy;
    }

    public Guid Id { get; private set; }

    public string Pseudonym { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string Contact { get; private set; } = "";

    public DateTimeOffset FirstSeenAt { get; private set; }

    public string RecordedBy { get; private set; } = "";
}
