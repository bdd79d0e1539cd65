"""``dangjian gencity``: a synthetic city of any size, for scale tests and benchmarks."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dangjian.demo.city import CityBuilder


class Command(BaseCommand):
    help = (
        "生成一个虚构城市（街道→社区→支部→党小组、区域、党员及其变动记录），用于规模测试。"
        "默认 100,000 名党员，1,000,000 也可以。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000, help="党员人数")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机数种子（同一种子生成同一城市）"
        )
        parser.add_argument("--chunk", type=int, default=5000, help="每批写入的行数")
        parser.add_argument("--json", action="store_true", help="最后以 JSON 输出统计")

    def handle(self, *args, **options):
        if options["members"] < 1:
            raise CommandError("--members 至少为 1。")
        builder = CityBuilder(
            members=options["members"],
            seed=options["seed"],
            chunk=options["chunk"],
            log=lambda line: self.stdout.write(line),
        )
        result = builder.build()
        self.stdout.write(
            f"完成：{result['members']:,} 名党员，{sum(result['rows'].values()):,} 行，"
            f"用时 {result['seconds']} 秒（{result['rows_per_second']:,} 行/秒）。"
        )
        for user in result["users"]:
            self.stdout.write(
                f"  测试账号 {user['username']} / {user['password']}（{user['scope']}）"
            )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
