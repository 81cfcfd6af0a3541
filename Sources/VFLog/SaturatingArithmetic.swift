extension FixedWidthInteger {
    /// `self + other`, or the largest value when that overflows: for totals of counts a peer
    /// or a file chose, where a trap would let one peer stop the node.
    @inlinable public func saturatingAdd(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : sum
    }
}
