import factory
from django.contrib.auth.models import Group

from openiop.accounts.models import User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        if create and extracted:
            from openiop.programs.models import ProgramMembership

            for program in extracted:
                ProgramMembership.objects.create(user=self, program=program)
