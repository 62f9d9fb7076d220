import Foundation
import HotlineCLI

exit(HotlineCtl.runMain(Array(CommandLine.arguments.dropFirst())))
