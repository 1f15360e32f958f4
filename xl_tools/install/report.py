"""`xl-tools doctor`'s report: one line a check, and the verdict a helpdesk reads out and the exit code gives."""

from __future__ import annotations

from dataclasses import asdict, dataclass

OK, MISSING, NOTE = "正常", "缺少", "注意"


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    status: str
    """正常 / 缺少 / 注意."""
    item: str
    found: str
    action: str = ""
    """What to do (a command or where to click) when the status is not 正常."""
    needed: bool = True
    """Whether the ribbon buttons (Windows) or the command line (elsewhere) need this: a 缺少 here fails doctor."""

    @property
    def blocking(self) -> bool:
        return self.status == MISSING and self.needed

    def line(self) -> str:
        text = f"[{self.status}] {self.item}：{self.found}"
        return f"{text}。处理：{self.action}" if self.action and self.status != OK else text


@dataclass(frozen=True)
class Diagnosis:
    windows: bool
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return not any(c.blocking for c in self.checks)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "windows": self.windows,
                "checks": [{**asdict(c), "blocking": c.blocking} for c in self.checks]}

    def text(self) -> str:
        lines = [c.line() for c in self.checks]
        lines.append("")
        lines.append(self.conclusion())
        return "\n".join(lines)

    def conclusion(self) -> str:
        blocking = [c.item for c in self.checks if c.blocking]
        if blocking:
            what = "功能区按钮" if self.windows else "命令行"
            return f"结论：{what}还不能使用，请先处理标为「缺少」的：{'、'.join(blocking)}"
        if self.windows:
            return "结论：功能区按钮所需的都已具备。仍有问题时，把这份报告（xl-tools doctor > 报告.txt）和按钮日志发给维护者"
        return "结论：命令行所需的都已具备。Excel 加载项只用于 Windows；本机请用 xl-tools run 等命令"
