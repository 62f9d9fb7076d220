import Foundation
import PackagePlugin

/// Embeds the project's data files into the module that needs them at run time:
/// `sql/*.sql` into HotlineStore (the migrations) and `calendars/*.txt` into HotlineCore (the default calendar).
/// Installed binaries therefore never look for these files on disk.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let (folder, suffix, typeName): (String, String, String)
        switch target.name {
        case "HotlineStore": (folder, suffix, typeName) = ("sql", ".sql", "EmbeddedMigrations")
        case "HotlineCore": (folder, suffix, typeName) = ("calendars", ".txt", "EmbeddedCalendars")
        default: return []
        }
        let directory = context.package.directoryURL.appending(path: folder)
        let inputs = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix(suffix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(folder)/ into \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [typeName, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
