using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LedgerSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "compensation_payees",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Pseudonym = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FirstSeenAt = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compensation_payees", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "donors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Pseudonym = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FirstSeenAt = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_donors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "compensation_payments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PayeeKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Party = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PayeeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Amount = table.Column<double>(type: "REAL", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    IncidentNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordedAt = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compensation_payments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_compensation_payments_compensation_payees_PayeeId",
                        column: x => x.PayeeId,
                        principalTable: "compensation_payees",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "donations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DonorKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Party = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    DonorId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Gift = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    WarehouseCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Quantity = table.Column<double>(type: "REAL", nullable: true),
                    Amount = table.Column<double>(type: "REAL", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    IncidentNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordedAt = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_donations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_donations_donors_DonorId",
                        column: x => x.DonorId,
                        principalTable: "donors",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_compensation_payees_Pseudonym",
                table: "compensation_payees",
                column: "Pseudonym",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_compensation_payments_Number",
                table: "compensation_payments",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_compensation_payments_PayeeId",
                table: "compensation_payments",
                column: "PayeeId");

            migrationBuilder.CreateIndex(
                name: "IX_compensation_payments_RecordedBy_IdempotencyKey",
                table: "compensation_payments",
                columns: new[] { "RecordedBy", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_compensation_payments_RegionPath",
                table: "compensation_payments",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_donations_DonorId",
                table: "donations",
                column: "DonorId");

            migrationBuilder.CreateIndex(
                name: "IX_donations_Number",
                table: "donations",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_donations_Party",
                table: "donations",
                column: "Party");

            migrationBuilder.CreateIndex(
                name: "IX_donations_RecordedBy_IdempotencyKey",
                table: "donations",
                columns: new[] { "RecordedBy", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_donations_RegionPath",
                table: "donations",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_donors_Pseudonym",
                table: "donors",
                column: "Pseudonym",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "compensation_payments");

            migrationBuilder.DropTable(
                name: "donations");

            migrationBuilder.DropTable(
                name: "compensation_payees");

            migrationBuilder.DropTable(
                name: "donors");
        }
    }
}
