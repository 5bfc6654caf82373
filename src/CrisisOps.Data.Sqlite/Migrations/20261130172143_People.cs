using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class People : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "residents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    BirthYear = table.Column<int>(type: "INTEGER", nullable: true),
                    HomeRegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HomeRegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    HomeLatitude = table.Column<double>(type: "REAL", nullable: true),
                    HomeLongitude = table.Column<double>(type: "REAL", nullable: true),
                    HomeAddress = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    WorkRegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    WorkRegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    WorkLatitude = table.Column<double>(type: "REAL", nullable: true),
                    WorkLongitude = table.Column<double>(type: "REAL", nullable: true),
                    Mobile = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Landline = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    PushToken = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Language = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    Needs = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Trainings = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_residents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_residents_HomeRegionPath",
                table: "residents",
                column: "HomeRegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_residents_Reference",
                table: "residents",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_residents_WorkRegionPath",
                table: "residents",
                column: "WorkRegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "residents");
        }
    }
}
