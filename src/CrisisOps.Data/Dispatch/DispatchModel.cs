using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<MatchProposal> MatchProposals => Set<MatchProposal>();

    public DbSet<AgreementActivation> AgreementActivations => Set<AgreementActivation>();
}

internal sealed class MatchProposalMapping : IEntityTypeConfiguration<MatchProposal>
{
    public void Configure(EntityTypeBuilder<MatchProposal> b)
    {
        b.ToTable("match_proposals");
        b.HasKey(p => p.Id);
        b.Property(p => p.NeedNumber).HasMaxLength(32);
        b.Property(p => p.ItemCode).HasMaxLength(64);
        b.Property(p => p.RegionCode).HasMaxLength(64);
        b.Property(p => p.RegionPath).HasMaxLength(1024);
        b.Property(p => p.CreatedBy).HasMaxLength(64);
        b.Property(p => p.AcceptedBy).HasMaxLength(64);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasIndex(p => p.NeedId);
        b.OwnsMany(p => p.Lines, l =>
        {
            l.ToTable("match_proposal_lines");
            l.WithOwner().HasForeignKey(x => x.ProposalId);
            l.HasKey(x => new { x.ProposalId, x.Number });
            l.Property(x => x.Reference).HasMaxLength(64);
            l.Property(x => x.SourceName).HasMaxLength(200);
        });
    }
}

internal sealed class AgreementActivationMapping : IEntityTypeConfiguration<AgreementActivation>
{
    public void Configure(EntityTypeBuilder<AgreementActivation> b)
    {
        b.ToTable("agreement_activations");
        b.HasKey(a => a.Id);
        b.Property(a => a.OrganisationCode).HasMaxLength(64);
        b.Property(a => a.What).HasMaxLength(AgreementActivation.MaxWhatLength);
        b.Property(a => a.ActivatedBy).HasMaxLength(64);
        b.HasIndex(a => a.AgreementId);
        b.HasIndex(a => a.IncidentId);
        b.OwnsMany(a => a.Draws, d =>
        {
            d.ToTable("agreement_draws");
            d.WithOwner().HasForeignKey(x => x.ActivationId);
            d.HasKey(x => new { x.ActivationId, x.Number });
            d.Property(x => x.ItemCode).HasMaxLength(64);
        });
    }
}
