using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ResponsePlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConfirmedAt",
                table: "region_risks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConfirmedBy",
                table: "region_risks",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelTier",
                table: "region_risks",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<string>(
                name: "OverriddenAt",
                table: "region_risks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverriddenBy",
                table: "region_risks",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverrideReason",
                table: "region_risks",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OverrideTier",
                table: "region_risks",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<TimeSpan>(
                name: "EscalateEvery",
                table: "deadlines",
                type: "TEXT",
                nullable: false,
                defaultValue: new TimeSpan(0, 1, 0, 0, 0));

            migrationBuilder.AddColumn<string>(
                name: "StepId",
                table: "deadlines",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleEn",
                table: "deadlines",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleZh",
                table: "deadlines",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "plan_activations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    PlanNameZh = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PlanNameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Steps = table.Column<string>(type: "TEXT", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Hazard = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ActivatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    ActivatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ClosedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClosedReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_activations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "response_plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hazard = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    NameZh = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Steps = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    IsBuiltIn = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
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
