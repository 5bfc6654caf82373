using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PeopleImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The column held the flags as enum text until now; no register was imported before this migration, so the
            // column is replaced rather than converted (PostgreSQL cannot cast the text to a number by itself).
            migrationBuilder.DropColumn(name: "Needs", table: "residents");
            migrationBuilder.AddColumn<int>(name: "Needs", table: "residents", type: "integer", nullable: false, defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_residents_Needs",
                table: "residents",
                column: "Needs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_residents_Needs",
                table: "residents");

            migrationBuilder.DropColumn(name: "Needs", table: "residents");
            migrationBuilder.AddColumn<string>(name: "Needs", table: "residents", type: "character varying(40)", maxLength: 40, nullable: false, defaultValue: "None");
        }
    }
}
