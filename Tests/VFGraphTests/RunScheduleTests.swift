import XCTest
@testable import VFGraphStore

/// The rule of which payloads of a publish check are tried together, without a database.
final class RunScheduleTests: XCTestCase {
    func testRunsDoubleWhileKeptUpToTheBatch() {
        var schedule = RunSchedule(batch: 100)
        XCTAssertTrue(schedule.triesRuns)
        var sizes: [Int] = []
        for _ in 0..<5 {
            sizes.append(schedule.most)
            schedule.runKept()
        }
        XCTAssertEqual(sizes, [16, 32, 64, 100, 100])
    }

    func testARollbackPausesRunsAndEachFurtherOneDoublesThePause() {
        var schedule = RunSchedule(batch: 1000)
        schedule.runKept()
        var pauses: [Int] = []
        for _ in 0..<8 {
            schedule.runRolledBack()
            XCTAssertEqual(schedule.most, RunSchedule.firstRun, "runs start again from the first size")
            var alone = 0
            while !schedule.triesRuns {
                schedule.checkedAlone()
                alone += 1
            }
            pauses.append(alone)
        }
        XCTAssertEqual(pauses, [16, 32, 64, 128, 256, 512, 1000, 1000])
        // Checked alone without a pause (a payload that claims nothing apart): nothing changes.
        schedule.checkedAlone()
        XCTAssertTrue(schedule.triesRuns)
    }

    /// However many runs a batch has, the bounds stop at its size: a batch of Int.max payloads
    /// doubles them without overflow.
    func testTheBoundsCannotOverflow() {
        var schedule = RunSchedule(batch: .max)
        for _ in 0..<200 {
            schedule.runKept()
            schedule.runRolledBack()
        }
        XCTAssertEqual(schedule.most, RunSchedule.firstRun)
        XCTAssertEqual(schedule.paused, .max)
    }
}
