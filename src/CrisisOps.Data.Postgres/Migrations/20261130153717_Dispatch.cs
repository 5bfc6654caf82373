using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Dispatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "OrderId",
                table: "need_claims",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceId",
                table: "need_claims",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceType",
                table: "need_claims",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Warehouse",
                table: "need_claims",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "agreement_activations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgreementId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    HeadquartersId = table.Column<Guid>(type: "uuid", nullable: false),
                    What = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    ProposalId = table.Column<Guid>(type: "uuid", nullable: true),
                    ActivatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActivatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreement_activations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "match_proposals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    NeedId = table.Column<Guid>(type: "uuid", nullable: false),
                    NeedNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: true),
                    Wanted = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    Proposed = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    Shortfall = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_match_proposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "agreement_draws",
                columns: table => new
                {
                    ActivationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Quantity = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreement_draws", x => new { x.ActivationId, x.Number });
                    table.ForeignKey(
                        name: "FK_agreement_draws_agreement_activations_ActivationId",
                        column: x => x.ActivationId,
                        principalTable: "agreement_activations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "match_proposal_lines",
                columns: table => new
                {
                    ProposalId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SourceName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Quantity = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    LeadMinutes = table.Column<double>(type: "double precision", nullable: false),
                    ArrivalMinutes = table.Column<double>(type: "double precision", nullable: false),
                    DistanceKm = table.Column<double>(type: "double precision", nullable: false),
                    Late = table.Column<bool>(type: "boolean", nullable: false),
                    ReservationId = table.Column<Guid>(type: "uuid", nullable: true),
                    ActivationId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    ClaimId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_match_proposal_lines", x => new { x.ProposalId, x.Number });
                    table.ForeignKey(
                        name: "FK_match_proposal_lines_match_proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "match_proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agreement_activations_AgreementId",
                table: "agreement_activations",
                column: "AgreementId");

            migrationBuilder.CreateIndex(
                name: "IX_agreement_activations_IncidentId",
                table: "agreement_activations",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_match_proposals_NeedId",
                table: "match_proposals",
                column: "NeedId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agreement_draws");

            migrationBuilder.DropTable(
                name: "match_proposal_lines");

            migrationBuilder.DropTable(
                name: "agreement_activations");

            migrationBuilder.DropTable(
                name: "match_proposals");

            migrationBuilder.DropColumn(
                name: "OrderId",
                table: "need_claims");

            migrationBuilder.DropColumn(
                name: "SourceId",
                table: "need_claims");

            migrationBuilder.DropColumn(
                name: "SourceType",
                table: "need_claims");

            migrationBuilder.DropColumn(
                name: "Warehouse",
                table: "need_claims");
        }
    }
}
