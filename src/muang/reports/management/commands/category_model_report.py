"""Print how well category suggestion works: accuracy on a held-out split."""

from django.core.management.base import BaseCommand, CommandError

from muang.core.models import Organization
from muang.reports import classifier
from muang.reports.demo_text import DEFAULT_KEYWORDS, generate_reports
from muang.reports.suggestion import triaged_examples


class Command(BaseCommand):
    help = (
        "Held-out accuracy of the category classifier: on an organisation's triaged cases (--organization), "
        "or on the generated demo reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="slug; default: the generated demo reports")
        parser.add_argument("--examples", type=int, default=2000, help="how many demo reports to generate")
        parser.add_argument("--seed", type=int, default=2569)
        parser.add_argument("--test-size", type=float, default=0.2)

    def handle(self, *args, **options):
        if options["organization"]:
            org = Organization.objects.filter(slug=options["organization"]).first()
            if org is None:
                raise CommandError(f"no organisation {options['organization']!r}")
            examples = triaged_examples(org)
            source = f"{len(examples)} triaged cases of {org}"
        else:
            examples = generate_reports(options["examples"], seed=options["seed"])
            source = f"{len(examples)} generated demo reports (seed {options['seed']})"
        try:
            evaluation = classifier.evaluate(
                examples,
                test_size=options["test_size"],
                seed=options["seed"],
                rules=classifier.KeywordRules(DEFAULT_KEYWORDS),
            )
        except classifier.NotEnoughExamples as e:
            raise CommandError(f"{source}: {e}") from e
        self.stdout.write(f"Category suggestion on {source}, {options['test_size']:.0%} held out\n")
        self.stdout.write(evaluation.format())
