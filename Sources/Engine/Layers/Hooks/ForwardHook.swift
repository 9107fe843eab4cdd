/// A registered forward hook: the closure, its id for `HookHandle`, and the name it reports.
struct ForwardHook {
    let id: Int
    let name: String
    let call: (ForwardHookCall) -> Void
}
