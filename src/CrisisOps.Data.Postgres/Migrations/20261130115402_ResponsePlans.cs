using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ResponsePlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ConfirmedAt",
                table: "region_risks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConfirmedBy",
                table: "region_risks",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelTier",
                table: "region_risks",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OverriddenAt",
                table: "region_risks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverriddenBy",
                table: "region_risks",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverrideReason",
                table: "region_risks",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverrideTier",
                table: "region_risks",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<TimeSpan>(
                name: "EscalateEvery",
                table: "deadlines",
                type: "interval",
                nullable: false,
                defaultValue: new TimeSpan(0, 1, 0, 0, 0));

            migrationBuilder.AddColumn<string>(
                name: "StepId",
                table: "deadlines",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleEn",
                table: "deadlines",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleZh",
                table: "deadlines",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "plan_activations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanVersion = table.Column<int>(type: "integer", nullable: false),
                    PlanNameZh = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PlanNameEn = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Hazard = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Tier = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ActivatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActivatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClosedReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_activations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "response_plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Hazard = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Tier = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    IsBuiltIn = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_response_plans", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deadlines_SubjectId",
                table: "deadlines",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_plan_activations_RegionCode_Hazard_Status",
                table: "plan_activations",
                columns: new[] { "RegionCode", "Hazard", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_plan_activations_RegionPath",
                table: "plan_activations",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_response_plans_Hazard_Tier",
                table: "response_plans",
                columns: new[] { "Hazard", "Tier" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plan_activations");

            migrationBuilder.DropTable(
                name: "response_plans");

            migrationBuilder.DropIndex(
                name: "IX_deadlines_SubjectId",
                table: "deadlines");

            migrationBuilder.DropColumn(
                name: "ConfirmedAt",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "ConfirmedBy",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "ModelTier",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "OverriddenAt",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "OverriddenBy",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "OverrideReason",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "OverrideTier",
                table: "region_risks");

            migrationBuilder.DropColumn(
                name: "EscalateEvery",
                table: "deadlines");

            migrationBuilder.DropColumn(
                name: "StepId",
                table: "deadlines");

            migrationBuilder.DropColumn(
                name: "TitleEn",
                table: "deadlines");

            migrationBuilder.DropColumn(
                name: "TitleZh",
                table: "deadlines");
        }
    }
}
