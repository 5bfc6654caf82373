using System.Globalization;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrisisOps.Data;

/// <summary>
/// The system of record. One model for SQLite and PostgreSQL; the migrations live in
/// CrisisOps.Data.Sqlite and CrisisOps.Data.Postgres.
/// </summary>
public sealed partial class CrisisOpsDbContext : DbContext, IDataProtectionKeyContext
{
    public CrisisOpsDbContext(DbContextOptions<CrisisOpsDbContext> options)
        : base(options)
    {
        // Every save runs in a transaction, so the journal-order lock on PostgreSQL (see
        // PostgresJournalOrder) is held until the appended rows commit.
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    /// <summary>Cookie and antiforgery keys, shared by every replica through the database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Region> Regions => Set<Region>();

    public DbSet<Site> Sites => Set<Site>();

    public DbSet<User> Users => Set<User>();

    public DbSet<RoleGrant> RoleGrants => Set<RoleGrant>();

    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

    public DbSet<CrisisEvent> Events => Set<CrisisEvent>();

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<IncidentReport> IncidentReports => Set<IncidentReport>();

    public DbSet<Deadline> Deadlines => Set<Deadline>();

    public DbSet<JournalEntry> Journal => Set<JournalEntry>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<Station> Stations => Set<Station>();

    public DbSet<Reading> Readings => Set<Reading>();

    public DbSet<RegionRisk> RegionRisks => Set<RegionRisk>();

    public DbSet<StationForecastPoint> StationForecastPoints => Set<StationForecastPoint>();
    public DbSet<ResponsePlan> ResponsePlans => Set<ResponsePlan>();

    public DbSet<PlanActivation> PlanActivations => Set<PlanActivation>();
    public DbSet<OfficialWarning> OfficialWarnings => Set<OfficialWarning>();

    public DbSet<OfficialWarningRegion> OfficialWarningRegions => Set<OfficialWarningRegion>();

    public DbSet<GovernmentRecord> GovernmentRecords => Set<GovernmentRecord>();

    public DbSet<OpinionCount> OpinionCounts => Set<OpinionCount>();
    public DbSet<RiskQueueEntry> RiskQueue => Set<RiskQueueEntry>();

    /// <summary>Appends a journal entry to this unit of work: it commits with the change it records.</summary>
    public JournalEntry Append(JournalRecord record)
    {
        var entry = new JournalEntry(record);
        Journal.Add(entry);
        return entry;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        if (Database.IsSqlite())
        {
            // SQLite has no timestamp type and EF cannot compare DateTimeOffset there. A fixed-width
            // UTC ISO-8601 text sorts and compares correctly and stays readable in the file.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcIsoTextConverter>();

            // SQLite keeps decimals as text, which SQL can neither sum nor compare: quantities of goods
            // (at most three decimals, below 10^9) are exact in a double, so store them as REAL.
            configurationBuilder.Properties<decimal>().HaveConversion<double>();
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
            configurationBuilder.Properties<decimal>().HavePrecision(15, 3);
        }

        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        // Capabilities from the command issue on keep their mappings beside their DbSets, one folder per
        // capability (Access/, Command/, Resources/, Needs/): IEntityTypeConfiguration classes found here.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrisisOpsDbContext).Assembly);

        modelBuilder.Entity<Region>(b =>
        {
            b.ToTable("regions");
            b.HasKey(r => r.Code);
            b.Property(r => r.Code).HasMaxLength(64);
            b.Property(r => r.ParentCode).HasMaxLength(64);
            b.Property(r => r.NameZh).HasMaxLength(200);
            b.Property(r => r.NameEn).HasMaxLength(200);
            b.Property(r => r.Path).HasMaxLength(1024);
            b.HasIndex(r => r.Path);
            b.HasIndex(r => r.ParentCode);
        });

        modelBuilder.Entity<Site>(b =>
        {
            b.ToTable("sites");
            b.HasKey(s => s.Code);
            b.Property(s => s.Code).HasMaxLength(64);
            b.Property(s => s.RegionCode).HasMaxLength(64);
            b.Property(s => s.RegionPath).HasMaxLength(1024);
            b.ComplexProperty(s => s.Location, l =>
            {
                l.Property(p => p.Latitude).HasColumnName("latitude");
                l.Property(p => p.Longitude).HasColumnName("longitude");
            });
            b.HasIndex(s => s.RegionPath);
        });

        modelBuilder.Entity<User>(b =>
        {
            b.ToTable("users");
            b.HasKey(u => u.Id);
            b.Property(u => u.UserName).HasMaxLength(64);
            b.HasIndex(u => u.UserName).IsUnique();
            b.Property(u => u.DisplayName).HasMaxLength(200);
            b.HasMany(u => u.Grants).WithOne().HasForeignKey(g => g.UserId);
        });

        modelBuilder.Entity<RoleGrant>(b =>
        {
            b.ToTable("role_grants");
            b.HasKey(g => g.Id);
            b.Property(g => g.RegionCode).HasMaxLength(64);
            b.Property(g => g.RegionPath).HasMaxLength(1024);
            b.Property(g => g.Department).HasMaxLength(100);
            b.Property(g => g.Organisation).HasMaxLength(64);
        });

        modelBuilder.Entity<AccessToken>(b =>
        {
            b.ToTable("access_tokens");
            b.HasKey(t => t.Id);
            b.Property(t => t.Name).HasMaxLength(100);
            b.Property(t => t.SecretHash).HasMaxLength(64);
            b.HasIndex(t => t.SecretHash).IsUnique();
            b.HasIndex(t => t.UserId);
        });

        modelBuilder.Entity<CrisisEvent>(b =>
        {
            b.ToTable("events");
            b.HasKey(e => e.Id);
            b.Property(e => e.Name).HasMaxLength(200);
            b.Property(e => e.RegionCode).HasMaxLength(64);
            b.Property(e => e.RegionPath).HasMaxLength(1024);
            b.HasIndex(e => e.RegionPath);
        });

        modelBuilder.Entity<Incident>(b =>
        {
            b.ToTable("incidents");
            b.HasKey(i => i.Id);
            b.Property(i => i.Number).HasMaxLength(32);
            b.HasIndex(i => i.Number).IsUnique();
            b.Property(i => i.Title).HasMaxLength(200);
            b.Property(i => i.Description).HasMaxLength(20_000);
            b.Property(i => i.RegionCode).HasMaxLength(64);
            b.Property(i => i.RegionPath).HasMaxLength(1024);
            b.Property(i => i.ReportedBy).HasMaxLength(64);
            b.ComplexProperty(i => i.Location, l =>
            {
                l.Property(p => p.Latitude).HasColumnName("latitude");
                l.Property(p => p.Longitude).HasColumnName("longitude");
            });
            b.HasMany(i => i.Reports).WithOne().HasForeignKey(r => r.IncidentId);
            b.HasIndex(i => i.RegionPath);
            b.HasIndex(i => i.ReportedAt);
        });

        modelBuilder.Entity<IncidentReport>(b =>
        {
            b.ToTable("incident_reports");
            b.HasKey(r => r.Id);
            b.Property(r => r.Text).HasMaxLength(20_000);
            b.Property(r => r.FiledBy).HasMaxLength(64);
        });

        modelBuilder.Entity<Deadline>(b =>
        {
            b.ToTable("deadlines");
            b.HasKey(d => d.Id);
            b.Property(d => d.SubjectType).HasMaxLength(40);
            b.Property(d => d.OriginRegionCode).HasMaxLength(64);
            b.Property(d => d.RegionCode).HasMaxLength(64);
            b.Property(d => d.RegionPath).HasMaxLength(1024);
            b.Property(d => d.Version).IsConcurrencyToken();
            b.HasIndex(d => new { d.Status, d.NextCheckAt });
            b.Property(d => d.OriginRegionPath).HasMaxLength(1024);
            b.HasIndex(d => d.OriginRegionPath);
            b.HasIndex(d => d.IncidentId);
            b.HasIndex(d => d.SubjectId);
            b.Property(d => d.StepId).HasMaxLength(40);
            b.Property(d => d.TitleZh).HasMaxLength(200);
            b.Property(d => d.TitleEn).HasMaxLength(200);

            // Rows from before plan steps are first reports, which climb every hour.
            b.Property(d => d.EscalateEvery).HasDefaultValue(TimeSpan.FromHours(1));
            b.Ignore(d => d.TimeTaken);
            b.Ignore(d => d.WasMetLate);
        });

        modelBuilder.Entity<JournalEntry>(b =>
        {
            b.ToTable("journal");
            b.HasKey(j => j.Id);
            b.Property(j => j.Id).ValueGeneratedOnAdd();
            b.Property(j => j.Actor).HasMaxLength(64);
            b.Property(j => j.Type).HasMaxLength(64);
            b.Property(j => j.RegionCode).HasMaxLength(64);
            b.Property(j => j.RegionPath).HasMaxLength(1024);
            b.HasIndex(j => j.RegionPath);
            b.HasIndex(j => j.IncidentId);
            b.HasIndex(j => j.Type);
            b.HasIndex(j => j.Time);
        });

        modelBuilder.Entity<IdempotencyRecord>(b =>
        {
            b.ToTable("idempotency_records");
            b.HasKey(r => new { r.Caller, r.Key });
            b.Property(r => r.Key).HasMaxLength(200);
            b.Property(r => r.Caller).HasMaxLength(64);
            b.Property(r => r.Endpoint).HasMaxLength(300);
            b.Property(r => r.RequestHash).HasMaxLength(64);
            b.Property(r => r.ContentType).HasMaxLength(200);
            b.Property(r => r.Location).HasMaxLength(500);
        });

        modelBuilder.Entity<Station>(b =>
        {
            b.ToTable("stations");
            b.HasKey(s => s.Code);
            b.Property(s => s.Code).HasMaxLength(64);
            b.Property(s => s.NameZh).HasMaxLength(200);
            b.Property(s => s.NameEn).HasMaxLength(200);
            b.Property(s => s.Unit).HasMaxLength(16);
            b.Property(s => s.RegionCode).HasMaxLength(64);
            b.Property(s => s.RegionPath).HasMaxLength(1024);
            b.ComplexProperty(s => s.Location, l =>
            {
                l.Property(p => p.Latitude).HasColumnName("latitude");
                l.Property(p => p.Longitude).HasColumnName("longitude");
            });
            b.ComplexProperty(s => s.Range, r =>
            {
                r.Property(p => p.Min).HasColumnName("valid_min");
                r.Property(p => p.Max).HasColumnName("valid_max");
            });
            b.ComplexProperty(s => s.Thresholds, t =>
            {
                t.Property(p => p.General).HasColumnName("threshold_general");
                t.Property(p => p.Attention).HasColumnName("threshold_attention");
                t.Property(p => p.Warning).HasColumnName("threshold_warning");
                t.Property(p => p.Emergency).HasColumnName("threshold_emergency");
            });
            b.HasIndex(s => s.RegionPath);
        });

        modelBuilder.Entity<Reading>(b =>
        {
            b.ToTable("readings");
            b.HasKey(r => r.Id);
            b.Property(r => r.Id).ValueGeneratedOnAdd();
            b.Property(r => r.StationCode).HasMaxLength(64);
            b.Property(r => r.ReadingId).HasMaxLength(ReadingRules.MaxReadingIdLength);

            // The sender's reading id makes a retry harmless: a second copy hits this key and is skipped.
            b.HasIndex(r => new { r.StationCode, r.ReadingId }).IsUnique();
            b.HasIndex(r => new { r.StationCode, r.Time });
        });

        modelBuilder.Entity<RegionRisk>(b =>
        {
            b.ToTable("region_risks");
            b.HasKey(r => new { r.RegionCode, r.Hazard });
            b.Property(r => r.RegionCode).HasMaxLength(64);
            b.Property(r => r.RegionPath).HasMaxLength(1024);
            b.Property(r => r.Hazard).HasMaxLength(40);
            b.Property(r => r.Version).IsConcurrencyToken();
            b.HasIndex(r => r.RegionPath);
            b.Property(r => r.ModelTier).HasDefaultValue(WarningTier.None);
            b.Property(r => r.OverrideReason).HasMaxLength(RegionRisk.MaxReasonLength);
            b.Property(r => r.OverriddenBy).HasMaxLength(64);
            b.Property(r => r.ConfirmedBy).HasMaxLength(64);
            b.Ignore(r => r.Override);
        });

        modelBuilder.Entity<ResponsePlan>(b =>
        {
            b.ToTable("response_plans");
            b.HasKey(p => p.Id);
            b.Property(p => p.Hazard).HasMaxLength(40);

            // One plan per hazard and tier: the unique key settles two editors creating the same plan at once.
            b.HasIndex(p => new { p.Hazard, p.Tier }).IsUnique();
            b.Property(p => p.NameZh).HasMaxLength(PlanDefinition.MaxNameLength);
            b.Property(p => p.NameEn).HasMaxLength(PlanDefinition.MaxNameLength);
            b.Property(p => p.UpdatedBy).HasMaxLength(64);
            b.Property(p => p.Steps).HasConversion(PlanStepsJson.Converter, PlanStepsJson.Comparer);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.Ignore(p => p.Definition);
        });

        modelBuilder.Entity<PlanActivation>(b =>
        {
            b.ToTable("plan_activations");
            b.HasKey(a => a.Id);
            b.Property(a => a.PlanNameZh).HasMaxLength(PlanDefinition.MaxNameLength);
            b.Property(a => a.PlanNameEn).HasMaxLength(PlanDefinition.MaxNameLength);
            b.Property(a => a.Steps).HasConversion(PlanStepsJson.Converter, PlanStepsJson.Comparer);
            b.Property(a => a.RegionCode).HasMaxLength(64);
            b.Property(a => a.RegionPath).HasMaxLength(1024);
            b.Property(a => a.Hazard).HasMaxLength(40);
            b.Property(a => a.ActivatedBy).HasMaxLength(64);
            b.Property(a => a.ClosedBy).HasMaxLength(64);
            b.Property(a => a.ClosedReason).HasMaxLength(200);
            b.Property(a => a.Version).IsConcurrencyToken();
            b.HasIndex(a => new { a.RegionCode, a.Hazard, a.Status });
            b.HasIndex(a => a.RegionPath);
        });

        modelBuilder.Entity<StationForecastPoint>(b =>
        {
            b.ToTable("station_forecast_points");
            b.HasKey(p => p.Id);
            b.Property(p => p.Id).ValueGeneratedOnAdd();
            b.Property(p => p.StationCode).HasMaxLength(64);
            b.Property(p => p.Source).HasMaxLength(200);

            // One value per station and time: a newer issue replaces the older one's points where they overlap.
            b.HasIndex(p => new { p.StationCode, p.Time }).IsUnique();
        });

        modelBuilder.Entity<OfficialWarning>(b =>
        {
            b.ToTable("official_warnings");
            b.HasKey(w => w.Id);
            b.Property(w => w.Sender).HasMaxLength(500);
            b.Property(w => w.Identifier).HasMaxLength(500);
            b.Property(w => w.Event).HasMaxLength(OfficialWarning.MaxTextLength);
            b.Property(w => w.HeadlineZh).HasMaxLength(OfficialWarning.MaxTextLength);
            b.Property(w => w.HeadlineEn).HasMaxLength(OfficialWarning.MaxTextLength);
            b.Property(w => w.AreaDesc).HasMaxLength(OfficialWarning.MaxTextLength);
            b.Property(w => w.Source).HasMaxLength(2000);
            b.Property(w => w.ReceivedBy).HasMaxLength(64);
            b.Property(w => w.RegionCode).HasMaxLength(64);
            b.Property(w => w.RegionPath).HasMaxLength(1024);
            b.Ignore(w => w.IsExercise);
            b.Ignore(w => w.FeedsRisk);

            // CAP messages name each other by (sender, identifier, sent): the same alert twice is stored once.
            b.HasIndex(w => new { w.Sender, w.Identifier, w.Sent }).IsUnique();
            b.HasIndex(w => w.RegionPath);
            b.HasIndex(w => new { w.State, w.ValidUntil });
            b.HasMany(w => w.Regions).WithOne().HasForeignKey(r => r.WarningId);
        });

        modelBuilder.Entity<OfficialWarningRegion>(b =>
        {
            b.ToTable("official_warning_regions");
            b.HasKey(r => new { r.WarningId, r.RegionCode });
            b.Property(r => r.RegionCode).HasMaxLength(64);
            b.Property(r => r.RegionPath).HasMaxLength(1024);
            b.HasIndex(r => r.RegionPath);
            b.HasIndex(r => r.RegionCode);
        });

        modelBuilder.Entity<GovernmentRecord>(b =>
        {
            b.ToTable("government_records");
            b.HasKey(r => r.Id);
            b.Property(r => r.Source).HasMaxLength(GovernmentRecord.MaxIdLength);
            b.Property(r => r.SourceId).HasMaxLength(GovernmentRecord.MaxIdLength);
            b.Property(r => r.RegionCode).HasMaxLength(64);
            b.Property(r => r.RegionPath).HasMaxLength(1024);
            b.Property(r => r.Summary).HasMaxLength(GovernmentRecord.MaxSummaryLength);
            b.Property(r => r.ReceivedBy).HasMaxLength(64);

            // The office's own number makes a re-import harmless.
            b.HasIndex(r => new { r.Source, r.SourceId }).IsUnique();
            b.HasIndex(r => new { r.RegionCode, r.Time });
            b.HasIndex(r => r.RegionPath);
        });

        modelBuilder.Entity<OpinionCount>(b =>
        {
            b.ToTable("opinion_counts");
            b.HasKey(o => new { o.Source, o.RegionCode, o.Keyword, o.BucketStart });
            b.Property(o => o.Source).HasMaxLength(OpinionCount.MaxSourceLength);
            b.Property(o => o.RegionCode).HasMaxLength(64);
            b.Property(o => o.RegionPath).HasMaxLength(1024);
            b.Property(o => o.Keyword).HasMaxLength(OpinionCount.MaxKeywordLength);
            b.Property(o => o.UpdatedBy).HasMaxLength(64);
            b.HasIndex(o => new { o.RegionCode, o.BucketStart });
            b.HasIndex(o => o.RegionPath);
        });

        modelBuilder.Entity<RiskQueueEntry>(b =>
        {
            // Written by raw upserts in the ingest transaction (RiskQueue.MarkAsync); a handful of rows at any time.
            b.ToTable("risk_queue");
            b.HasKey(e => e.RegionCode);
            b.Property(e => e.RegionCode).HasMaxLength(64);
        });

        KeysChosenByCode(modelBuilder);
    }

    private static void KeysChosenByCode(ModelBuilder modelBuilder)
    {
        // Ids are version-7 GUIDs chosen by the code from the injected clock, never by the database;
        // saying so lets EF tell a new child in a collection from an existing one.
        foreach (var key in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.FindPrimaryKey()?.Properties ?? []))
        {
            if (key.ClrType == typeof(Guid))
            {
                key.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
            }
        }
    }

    /// <summary>How SQLite stores a time: fixed-width UTC ISO-8601 text, so text order is time order. Raw SQL writes it too.</summary>
    public const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>A time as <see cref="SqliteTimeFormat"/> text.</summary>
    public static string SqliteTime(DateTimeOffset value) => value.UtcDateTime.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);

    private sealed class UtcIsoTextConverter() : ValueConverter<DateTimeOffset, string>(
        v => SqliteTime(v),
        v => new DateTimeOffset(DateTime.ParseExact(v, SqliteTimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero));

    // PostgreSQL's timestamptz takes only UTC offsets from Npgsql.
    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v.ToUniversalTime());
}
