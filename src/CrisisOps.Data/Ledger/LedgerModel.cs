using CrisisOps.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    /// <summary>The durable queue and the public record: every accepted entry, integrated or not.</summary>
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    public DbSet<LedgerLeaf> LedgerLeaves => Set<LedgerLeaf>();

    public DbSet<LedgerTile> LedgerTiles => Set<LedgerTile>();

    public DbSet<LedgerCheckpoint> LedgerCheckpoints => Set<LedgerCheckpoint>();

    /// <summary>Search keys of integrated entries (need, warehouse, party), written by the integrator.</summary>
    public DbSet<LedgerSearchPosting> LedgerSearch => Set<LedgerSearchPosting>();
}

internal sealed class LedgerEntryMapping : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("ledger_entries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.IdempotencyKey).HasMaxLength(LedgerEntry.MaxIdempotencyKeyLength);
        b.HasIndex(e => e.IdempotencyKey).IsUnique();
        b.Property(e => e.Kind).HasMaxLength(40);
        b.Property(e => e.Body).HasMaxLength(LedgerEntry.MaxBodyBytes);
        b.Property(e => e.LeafHash).HasMaxLength(32);
        b.Property(e => e.RegionCode).HasMaxLength(64);
        b.Property(e => e.NeedNumber).HasMaxLength(LedgerEntry.MaxSearchKeyLength);
        b.Property(e => e.WarehouseCode).HasMaxLength(LedgerEntry.MaxSearchKeyLength);
        b.Property(e => e.Party).HasMaxLength(LedgerEntry.MaxSearchKeyLength);
        b.Property(e => e.ItemCode).HasMaxLength(LedgerEntry.MaxSearchKeyLength);

        // No indexes on the search columns: the search goes through ledger_search (LedgerSearchPosting), which the
        // integrator writes in sorted batches, off the append path.
    }
}

internal sealed class LedgerSearchPostingMapping : IEntityTypeConfiguration<LedgerSearchPosting>
{
    public void Configure(EntityTypeBuilder<LedgerSearchPosting> b)
    {
        b.ToTable("ledger_search");
        b.HasKey(p => new { p.Key, p.EntryId });
        b.Property(p => p.Key).HasMaxLength(LedgerSearchPosting.MaxKeyLength);
    }
}

internal sealed class LedgerLeafMapping : IEntityTypeConfiguration<LedgerLeaf>
{
    public void Configure(EntityTypeBuilder<LedgerLeaf> b)
    {
        b.ToTable("ledger_leaves");
        b.HasKey(l => l.Index);
        b.Property(l => l.Index).ValueGeneratedNever();
        b.HasIndex(l => l.EntryId).IsUnique();
    }
}

internal sealed class LedgerTileMapping : IEntityTypeConfiguration<LedgerTile>
{
    public void Configure(EntityTypeBuilder<LedgerTile> b)
    {
        b.ToTable("ledger_tiles");
        b.HasKey(t => new { t.Level, t.Index });
        b.Ignore(t => t.Width);
        b.Ignore(t => t.IsFull);
        b.Property(t => t.Hashes).HasMaxLength(LedgerTile.FullWidth * 32);
    }
}

internal sealed class LedgerCheckpointMapping : IEntityTypeConfiguration<LedgerCheckpoint>
{
    public void Configure(EntityTypeBuilder<LedgerCheckpoint> b)
    {
        b.ToTable("ledger_checkpoints");
        b.HasKey(c => c.Size);
        b.Property(c => c.Size).ValueGeneratedNever();
        b.Property(c => c.RootHash).HasMaxLength(32);
        b.Property(c => c.Note).HasMaxLength(4096);
    }
}
