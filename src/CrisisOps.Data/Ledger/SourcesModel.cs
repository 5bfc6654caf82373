using CrisisOps.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    /// <summary>Donations as recorded by staff; their public side is the <c>donation</c> ledger entries.</summary>
    public DbSet<Donation> Donations => Set<Donation>();

    /// <summary>Private: the people behind donor pseudonyms (read with ReadDonors, journaled).</summary>
    public DbSet<Donor> Donors => Set<Donor>();

    public DbSet<CompensationPayment> CompensationPayments => Set<CompensationPayment>();

    /// <summary>Private: the people behind payee pseudonyms.</summary>
    public DbSet<Payee> Payees => Set<Payee>();
}

internal sealed class DonorMapping : IEntityTypeConfiguration<Donor>
{
    public void Configure(EntityTypeBuilder<Donor> b)
    {
        b.ToTable("donors");
        b.HasKey(d => d.Id);
        b.Property(d => d.Pseudonym).HasMaxLength(16);
        b.HasIndex(d => d.Pseudonym).IsUnique();
        b.Property(d => d.Name).HasMaxLength(PersonDetails.MaxNameLength);
        b.Property(d => d.Contact).HasMaxLength(PersonDetails.MaxContactLength);
        b.Property(d => d.RecordedBy).HasMaxLength(64);
    }
}

internal sealed class PayeeMapping : IEntityTypeConfiguration<Payee>
{
    public void Configure(EntityTypeBuilder<Payee> b)
    {
        b.ToTable("compensation_payees");
        b.HasKey(p => p.Id);
        b.Property(p => p.Pseudonym).HasMaxLength(16);
        b.HasIndex(p => p.Pseudonym).IsUnique();
        b.Property(p => p.Name).HasMaxLength(PersonDetails.MaxNameLength);
        b.Property(p => p.Contact).HasMaxLength(PersonDetails.MaxContactLength);
        b.Property(p => p.RecordedBy).HasMaxLength(64);
    }
}

internal sealed class DonationMapping : IEntityTypeConfiguration<Donation>
{
    public void Configure(EntityTypeBuilder<Donation> b)
    {
        b.ToTable("donations");
        b.HasKey(d => d.Id);
        b.Property(d => d.Number).HasMaxLength(32);
        b.HasIndex(d => d.Number).IsUnique();
        b.Property(d => d.IdempotencyKey).HasMaxLength(Donation.MaxIdempotencyKeyLength);
        b.Property(d => d.RecordedBy).HasMaxLength(64);

        // A retry by the same person with the same key finds the first record; two people may pick the same key.
        b.HasIndex(d => new { d.RecordedBy, d.IdempotencyKey }).IsUnique();
        b.Property(d => d.RequestHash).HasMaxLength(64);
        b.Property(d => d.Party).HasMaxLength(LedgerParty.MaxOrganisationNameLength);
        b.HasIndex(d => d.Party);
        b.HasOne<Donor>().WithMany().HasForeignKey(d => d.DonorId);
        b.Property(d => d.WarehouseCode).HasMaxLength(64);
        b.Property(d => d.ItemCode).HasMaxLength(64);
        b.Property(d => d.Unit).HasMaxLength(40);
        b.Property(d => d.Currency).HasMaxLength(3);
        b.Property(d => d.RegionCode).HasMaxLength(64);
        b.Property(d => d.RegionPath).HasMaxLength(1024);
        b.HasIndex(d => d.RegionPath);
        b.Property(d => d.IncidentNumber).HasMaxLength(64);
        b.Ignore(d => d.LedgerKey);
    }
}

internal sealed class CompensationPaymentMapping : IEntityTypeConfiguration<CompensationPayment>
{
    public void Configure(EntityTypeBuilder<CompensationPayment> b)
    {
        b.ToTable("compensation_payments");
        b.HasKey(p => p.Id);
        b.Property(p => p.Number).HasMaxLength(32);
        b.HasIndex(p => p.Number).IsUnique();
        b.Property(p => p.IdempotencyKey).HasMaxLength(Donation.MaxIdempotencyKeyLength);
        b.Property(p => p.RecordedBy).HasMaxLength(64);
        b.HasIndex(p => new { p.RecordedBy, p.IdempotencyKey }).IsUnique();
        b.Property(p => p.RequestHash).HasMaxLength(64);
        b.Property(p => p.Party).HasMaxLength(LedgerParty.MaxOrganisationNameLength);
        b.HasOne<Payee>().WithMany().HasForeignKey(p => p.PayeeId);
        b.Property(p => p.Measure).HasMaxLength(CompensationPayment.MaxMeasureLength);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.RegionCode).HasMaxLength(64);
        b.Property(p => p.RegionPath).HasMaxLength(1024);
        b.HasIndex(p => p.RegionPath);
        b.Property(p => p.IncidentNumber).HasMaxLength(64);
        b.Ignore(p => p.LedgerKey);
    }
}
